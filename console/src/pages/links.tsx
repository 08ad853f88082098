import type { User } from '../auth';
import { PageTitle } from '../components/layout';
import type { Volume } from '../types';

/** Placeholder while the page is built. */
export function LinksPage(_props: { volume: Volume; user: User }) {
  return <PageTitle title="Share links" />;
}

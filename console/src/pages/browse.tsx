import { PageTitle } from '../components/layout';
import type { Volume } from '../types';

/** Placeholder while the page is built. */
export function BrowsePage(_props: { volume: Volume; prefix: string }) {
  return <PageTitle title="Files" />;
}

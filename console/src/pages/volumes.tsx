import type { User } from '../auth';
import { PageTitle } from '../components/layout';

/** Placeholder while the page is built. */
export function VolumesPage(_props: { user: User }) {
  return <PageTitle title="My volumes" />;
}

import { PageTitle } from '../components/layout';

/** Placeholder while the page is built. */
export function AccessKeysPage() {
  return <PageTitle title="Access keys" />;
}

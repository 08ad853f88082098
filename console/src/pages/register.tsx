import { PageTitle } from '../components/layout';

/** Placeholder while the page is built. */
export function RegisterPage() {
  return <PageTitle title="Register a volume" />;
}

import { PageTitle } from '../components/layout';
import type { Volume } from '../types';

/** Placeholder while the page is built. */
export function AuditPage(_props: { volume: Volume }) {
  return <PageTitle title="Audit trail" />;
}

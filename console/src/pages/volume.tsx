import { PageTitle } from '../components/layout';
import type { Volume } from '../types';

/** Placeholder while the page is built. */
export function VolumePage(_props: { volume: Volume; reload: () => void }) {
  return <PageTitle title="Volume" />;
}

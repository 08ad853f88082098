/** A volume's status as a badge: `active` green, `failed` red, `pending` plain; the word itself is always shown. */
import type { Volume } from '../types';

export function StatusBadge({ status }: { status: Volume['status'] }) {
  return <span class={`badge ${status}`}>{status}</span>;
}

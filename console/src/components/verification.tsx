/**
 * A verification's outcome as a checklist (✓ or ✗, the check's name and what was seen or what to fix), and the
 * "Verify" action that runs `POST /volumes/{id}/verify` again. Both the wizard's last step and the overview use them.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import type { Verification } from '../types';
import { ErrorMessage } from './error-message';

export function Checklist({ checks, label }: { checks: Verification['checks']; label: string }) {
  return (
    <ul class="checklist" aria-label={label}>
      {checks.map((check) => (
        <li key={check.name} class={check.ok ? 'ok' : 'bad'} data-check={check.name}>
          <span class="visually-hidden">{check.ok ? 'Passed: ' : 'Failed: '}</span>
          <code>{check.name}</code> — {check.detail}
        </li>
      ))}
    </ul>
  );
}

/** Runs verify, shows "Verifying…" while it does (announced), and hands the outcome back. */
export function VerifyButton({
  volumeId,
  label = 'Verify again',
  onVerified,
}: {
  volumeId: string;
  label?: string;
  onVerified: (result: Verification) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onVerified(await api.post<Verification>(`/volumes/${segment(volumeId)}/verify`));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="actions">
        <button type="button" onClick={verify} disabled={busy}>
          {label}
        </button>
        <span aria-live="polite">{busy ? 'Verifying the role and the bucket…' : ''}</span>
      </div>
      <ErrorMessage error={error} title="Verification did not run" />
    </>
  );
}

/**
 * A destructive action asked twice, in the page (no `window.confirm`, which a keyboard or screen-reader user meets
 * as a modal out of context): the first press shows what will happen with "Yes" and "Cancel" beside it, focus on
 * "Cancel"; "Yes" runs the action, and the button says it is busy until it ends.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** Names what it acts on for screen readers, e.g. "Revoke the link to results.bin". */
  description: string;
  /** What will happen, asked as a question, e.g. "Revoke this link? It stops working at once." */
  question: string;
  /** The confirming button's text, e.g. "Yes, revoke". */
  confirm: string;
  onConfirm: () => Promise<unknown>;
  disabled?: boolean;
}

export function ConfirmButton({ label, description, question, confirm, onConfirm, disabled }: ConfirmButtonProps) {
  const [state, setState] = useState<'idle' | 'asking' | 'busy'>('idle');
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (state === 'asking') cancel.current?.focus();
  }, [state]);
  if (state === 'idle') {
    return (
      <button type="button" class="danger" aria-label={description} disabled={disabled} onClick={() => setState('asking')}>
        {label}
      </button>
    );
  }
  const run = async () => {
    setState('busy');
    try {
      await onConfirm();
    } finally {
      setState('idle');
    }
  };
  return (
    <fieldset class="confirm">
      <legend class="visually-hidden">{description}</legend>
      <span>{question}</span>{' '}
      <button type="button" class="danger" disabled={state === 'busy'} aria-busy={state === 'busy'} onClick={run}>
        {state === 'busy' ? 'Working…' : confirm}
      </button>{' '}
      <button type="button" class="secondary" ref={cancel} disabled={state === 'busy'} onClick={() => setState('idle')}>
        Cancel
      </button>
    </fieldset>
  );
}

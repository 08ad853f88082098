/** Copies a text (a policy, a command, a secret) and says so; the text itself is always shown beside it too. */
import { useState } from 'preact/hooks';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" class="secondary" onClick={copy}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? ' copied to the clipboard' : ''}
      </span>
    </button>
  );
}

/** A block of text to copy: a labelled, read-only `<pre>` with its copy button. */
export function CopyBlock({ text, label }: { text: string; label: string }) {
  return (
    <figure class="copy-block">
      <figcaption>
        <span>{label}</span> <CopyButton text={text} label={`Copy ${label.toLowerCase()}`} />
      </figcaption>
      <pre>{text}</pre>
    </figure>
  );
}

/**
 * The form that creates a gateway access key (`POST /access-keys`): every volume the user is a member of (now and
 * later) or chosen ones; for chosen ones, optionally only a prefix and at most read or write (the body's `scopes`,
 * one per chosen volume); and how long it lives (15 minutes to 30 days, a week by default).
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { CreatedAccessKey, Volume } from '../types';
import { ErrorMessage } from './error-message';

const HOUR = 3600;
const DAY = 24 * HOUR;
const EXPIRIES = [
  { seconds: HOUR, label: '1 hour' },
  { seconds: DAY, label: '1 day' },
  { seconds: 7 * DAY, label: '7 days' },
  { seconds: 30 * DAY, label: '30 days (the longest)' },
];

type Access = '' | 'read' | 'write';

export function CreateKeyForm({ volumes, onCreated }: { volumes: Volume[]; onCreated: (key: CreatedAccessKey) => void }) {
  const [every, setEvery] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [prefix, setPrefix] = useState('');
  const [access, setAccess] = useState<Access>('');
  const [expiresIn, setExpiresIn] = useState(7 * DAY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const toggle = (id: string, on: boolean) => setChosen((ids) => (on ? [...ids, id] : ids.filter((other) => other !== id)));
  const narrowed = Boolean(prefix.trim() || access);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (!every && chosen.length === 0) {
      setError(new Error('Choose at least one volume, or let the key reach every volume you are a member of.'));
      return;
    }
    const body = every
      ? { expiresIn }
      : narrowed
        ? {
            expiresIn,
            scopes: chosen.map((volumeId) => ({
              volumeId,
              ...(prefix.trim() ? { prefix: prefix.trim() } : {}),
              ...(access ? { access } : {}),
            })),
          }
        : { expiresIn, volumes: chosen };
    setBusy(true);
    try {
      onCreated(await api.post<CreatedAccessKey>('/access-keys', body));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create a key</h2>
      <fieldset>
        <legend>Volumes it reaches</legend>
        <label class="choice">
          <input type="radio" name="key-reach" checked={every} onChange={() => setEvery(true)} /> Every volume I am a member of, now and
          later
        </label>
        <label class="choice">
          <input type="radio" name="key-reach" checked={!every} onChange={() => setEvery(false)} /> Only the volumes I choose
        </label>
        {every ? null : (
          <fieldset class="choices">
            <legend class="visually-hidden">Volumes</legend>
            {volumes.length === 0 ? <p>You are a member of no volume yet.</p> : null}
            {volumes.map((volume) => (
              <label class="choice" key={volume.id}>
                <input type="checkbox" checked={chosen.includes(volume.id)} onChange={(e) => toggle(volume.id, e.currentTarget.checked)} />{' '}
                {volume.name} <span class="hint">your access: {volume.access.data}</span>
              </label>
            ))}
          </fieldset>
        )}
      </fieldset>
      {every ? null : (
        <fieldset>
          <legend>Narrower (optional)</legend>
          <label for="key-prefix">
            Prefix
            <span class="hint">Only objects under it in each chosen volume, ending in "/", e.g. work/; empty for the whole volume</span>
          </label>
          <input id="key-prefix" type="text" autoComplete="off" value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} />
          <label for="key-access">Access</label>
          <select id="key-access" value={access} onChange={(e) => setAccess(e.currentTarget.value as Access)}>
            <option value="">my access at each use</option>
            <option value="read">read: list and get</option>
            <option value="write">write: also put, delete, multipart</option>
          </select>
        </fieldset>
      )}
      <label for="key-expiry">Lives for</label>
      <select id="key-expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(Number(e.currentTarget.value))}>
        {EXPIRIES.map((option) => (
          <option key={option.seconds} value={String(option.seconds)}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorMessage error={error} title="The key was not created" />
      <div class="actions">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

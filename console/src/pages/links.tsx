/**
 * A volume's share links (docs/share-links.md): create one for an object (expiry, download limit, file name), its URL
 * shown this once with a copy button, and the list (a member's own links, every link for an admin) with each link's
 * status, expiry and downloads left; the creator or an admin revokes one.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import type { User } from '../auth';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { Pager, usePages } from '../components/pager';
import { useLoad } from '../components/use-load';
import { when } from '../format';
import type { CreatedLink, Link, LinkPage, Volume } from '../types';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** The API takes a minute to 30 days (7 days when omitted). */
const EXPIRIES = [
  { seconds: HOUR, label: '1 hour' },
  { seconds: DAY, label: '1 day' },
  { seconds: 7 * DAY, label: '7 days' },
  { seconds: 30 * DAY, label: '30 days (the longest)' },
];

export function LinksPage({ volume, user, initialKey }: { volume: Volume; user: User; initialKey?: string | undefined }) {
  const pages = usePages();
  const links = useLoad(
    () => api.get<LinkPage>(`/volumes/${segment(volume.id)}/links`, { nextToken: pages.token }),
    [volume.id, pages.token],
  );
  const [created, setCreated] = useState<CreatedLink>();
  const [revokeError, setRevokeError] = useState<unknown>();
  const admin = volume.access.membership === 'admin';

  const revoke = async (link: Link) => {
    setRevokeError(undefined);
    try {
      await api.del(`/volumes/${segment(volume.id)}/links/${segment(link.id)}`);
      links.reload();
    } catch (error) {
      setRevokeError(error);
    }
  };

  return (
    <>
      <PageTitle title="Share links" />
      <p>
        A share link lets anyone who holds its URL download one object, with no account, until it expires, is used up or is revoked. It acts
        as you: it stops working if you can no longer read this volume.
      </p>
      {volume.auth.type === 'web-identity' ? (
        <p class="notice">
          This volume is reached with each member's own token, which a link cannot carry: the service will refuse links here. Share a
          download from the Files page instead.
        </p>
      ) : null}
      <CreateLinkForm
        key={initialKey ?? ''}
        volume={volume}
        initialKey={initialKey}
        onCreated={(link) => {
          setCreated(link);
          if (pages.number === 1) links.reload();
          else pages.first();
        }}
      />
      {created ? <CreatedLinkNotice link={created} onDone={() => setCreated(undefined)} /> : null}

      <h2>{admin ? "The volume's links" : 'Your links'}</h2>
      <ErrorMessage error={revokeError} title="The link was not revoked" />
      <ErrorMessage error={links.error} />
      {links.loading && !links.data ? <p aria-busy="true">Loading the links…</p> : null}
      {links.data && links.data.items.length === 0 ? <p>No share links yet.</p> : null}
      {links.data && links.data.items.length > 0 ? (
        <div class="table-wrap">
          <table class="responsive sharing" aria-busy={links.loading}>
            <caption class="visually-hidden">Share links, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
                <th scope="col" class="num">
                  Downloads
                </th>
                <th scope="col">Created by</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {links.data.items.map((link) => (
                <tr key={link.id}>
                  <td class="key" data-label="Object">
                    {link.key}
                    {link.filename ? <span class="hint">saved as {link.filename}</span> : null}
                  </td>
                  <td data-label="Status">
                    <span class={`badge ${link.status}`}>{link.status}</span>
                  </td>
                  <td data-label="Expires">{when(link.revokedAt ?? link.expiresAt)}</td>
                  <td class="num" data-label="Downloads">
                    {downloads(link)}
                  </td>
                  <td data-label="Created by">{link.createdBy}</td>
                  <td data-label="Actions">
                    {link.status === 'active' && (admin || link.createdBy === user.subject) ? (
                      <ConfirmButton
                        label="Revoke"
                        description={`Revoke the link to ${link.key}`}
                        question="Revoke this link? It stops working at once."
                        confirm="Yes, revoke"
                        onConfirm={() => revoke(link)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pages={pages} nextToken={links.data?.nextToken} label="share links" />
    </>
  );
}

function downloads(link: Link): string {
  if (link.maxDownloads === null) return `${link.downloads} (unlimited)`;
  const left = Math.max(0, link.maxDownloads - link.downloads);
  return `${link.downloads} of ${link.maxDownloads} (${left} left)`;
}

function CreateLinkForm({
  volume,
  initialKey,
  onCreated,
}: {
  volume: Volume;
  initialKey: string | undefined;
  onCreated: (link: CreatedLink) => void;
}) {
  const [key, setKey] = useState(initialKey ?? '');
  const [expiresIn, setExpiresIn] = useState(7 * DAY);
  const [maxDownloads, setMaxDownloads] = useState('');
  const [filename, setFilename] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        key,
        expiresIn,
        ...(maxDownloads.trim() ? { maxDownloads: Number(maxDownloads) } : {}),
        ...(filename.trim() ? { filename: filename.trim() } : {}),
      };
      onCreated(await api.post<CreatedLink>(`/volumes/${segment(volume.id)}/links`, body));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="create-link-heading">
      <h2 id="create-link-heading">Create a link</h2>
      <label for="link-key">
        Object key
        <span class="hint">Relative to the volume's root, e.g. results/report.pdf</span>
      </label>
      <input id="link-key" type="text" required value={key} onInput={(e) => setKey(e.currentTarget.value)} autoComplete="off" />
      <label for="link-expiry">Expires after</label>
      <select id="link-expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(Number(e.currentTarget.value))}>
        {EXPIRIES.map((option) => (
          <option key={option.seconds} value={String(option.seconds)}>
            {option.label}
          </option>
        ))}
      </select>
      <label for="link-max">
        Download limit
        <span class="hint">Empty for unlimited; a HEAD request is never counted</span>
      </label>
      <input
        id="link-max"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        value={maxDownloads}
        onInput={(e) => setMaxDownloads(e.currentTarget.value)}
      />
      <label for="link-filename">
        Save as (optional)
        <span class="hint">The file name the browser saves it under</span>
      </label>
      <input id="link-filename" type="text" value={filename} onInput={(e) => setFilename(e.currentTarget.value)} autoComplete="off" />
      <ErrorMessage error={error} title="The link was not created" />
      <div class="actions">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? 'Creating…' : 'Create link'}
        </button>
      </div>
    </form>
  );
}

function CreatedLinkNotice({ link, onDone }: { link: CreatedLink; onDone: () => void }) {
  return (
    <section class="notice once" aria-labelledby="created-link-heading">
      <h2 id="created-link-heading">Link created</h2>
      <p>
        <strong>Copy the URL now: it is shown this once.</strong> Anyone who holds it can download <code>{link.key}</code> until{' '}
        {when(link.expiresAt)}
        {link.maxDownloads !== null ? `, ${link.maxDownloads} ${link.maxDownloads === 1 ? 'time' : 'times'}` : ''}.
      </p>
      <label for="created-link-url">Link URL</label>
      <div class="secret-row">
        <input id="created-link-url" type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={link.url} label="Copy link" />
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

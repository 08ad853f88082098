/**
 * Gateway access keys (README "The S3 proxy"; docs/prefix-scopes-and-revoking.md): create one for every volume or
 * chosen ones, optionally narrowed to a prefix and an access, for a time; its secret is shown this once (kept only
 * in this page's memory: a reload forgets it) with copy buttons, a ready Nextflow config and aws cli profiles; the
 * list shows what each key reaches; a key is revoked at once.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import { CreateKeyForm } from '../components/access-key-form';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { KeySnippets } from '../components/key-snippets';
import { PageTitle } from '../components/layout';
import { Pager, usePages } from '../components/pager';
import { useLoad } from '../components/use-load';
import { when } from '../format';
import type { AccessKey, AccessKeyPage, CreatedAccessKey, Volume, VolumePage } from '../types';

export function AccessKeysPage() {
  const pages = usePages();
  const keys = useLoad(() => api.get<AccessKeyPage>('/access-keys', { nextToken: pages.token }), [pages.token]);
  const volumes = useLoad(() => api.get<VolumePage>('/volumes', { limit: 100 }), []);
  const [created, setCreated] = useState<CreatedAccessKey>();
  const [revokeError, setRevokeError] = useState<unknown>();
  const mine = volumes.data?.items ?? [];

  const revoke = async (key: AccessKey) => {
    setRevokeError(undefined);
    try {
      await api.del(`/access-keys/${segment(key.accessKeyId)}`);
      if (created?.accessKeyId === key.accessKeyId) setCreated(undefined);
      keys.reload();
    } catch (error) {
      setRevokeError(error);
    }
  };

  return (
    <>
      <PageTitle title="Access keys" />
      <p>
        A gateway access key lets S3 clients (the aws cli, boto3, rclone, Nextflow) use your volumes through the S3 proxy, for up to 30
        days: longer than a sign-in lasts, as a long run needs. It never reaches more than your membership allows at each use, and a revoked
        key stops working within 30 seconds.
      </p>
      <ErrorMessage error={volumes.error} title="Your volumes could not be read" />
      <CreateKeyForm
        volumes={mine}
        onCreated={(key) => {
          setCreated(key);
          if (pages.number === 1) keys.reload();
          else pages.first();
        }}
      />
      {created ? <CreatedKey created={created} volumes={mine} onDone={() => setCreated(undefined)} /> : null}

      <h2>Your keys</h2>
      <ErrorMessage error={revokeError} title="The key was not revoked" />
      <ErrorMessage error={keys.error} />
      {keys.loading && !keys.data ? <p aria-busy="true">Loading your keys…</p> : null}
      {keys.data && keys.data.items.length === 0 ? <p>No access keys yet.</p> : null}
      {keys.data && keys.data.items.length > 0 ? (
        <div class="table-wrap">
          <table class="responsive sharing" aria-busy={keys.loading}>
            <caption class="visually-hidden">Your access keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Status</th>
                <th scope="col">Reaches</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.accessKeyId}>
                  <td class="key" data-label="Key id">
                    <code>{key.accessKeyId}</code>
                  </td>
                  <td data-label="Status">
                    <span class={`badge ${key.status}`}>{key.status}</span>
                  </td>
                  <td class="key" data-label="Reaches">
                    {reaches(key, mine)}
                  </td>
                  <td data-label="Created">{when(key.createdAt)}</td>
                  <td data-label="Expires">{when(key.expiresAt)}</td>
                  <td data-label="Actions">
                    {key.status === 'active' ? (
                      <ConfirmButton
                        label="Revoke"
                        description={`Revoke the key ${key.accessKeyId}`}
                        question="Revoke this key? Clients using it are refused within 30 seconds."
                        confirm="Yes, revoke"
                        onConfirm={() => revoke(key)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pages={pages} nextToken={keys.data?.nextToken} label="access keys" />
    </>
  );
}

/** What a key reaches, in words: every volume, or each volume by name with its prefix and access. */
function reaches(key: AccessKey, volumes: Volume[]): string {
  const name = (id: string) => volumes.find((volume) => volume.id === id)?.name ?? id;
  const parts = (key.volumes ?? []).map(name);
  for (const scope of key.scopes ?? []) {
    parts.push(`${name(scope.volumeId)}${scope.prefix ? `/${scope.prefix}` : ''} (${scope.access ?? 'your access'})`);
  }
  return parts.length ? [...new Set(parts)].join(', ') : 'every volume you are a member of';
}

/** The volumes the key was made for, for its snippets (every one of mine when it names none). */
function keyVolumes(key: AccessKey, volumes: Volume[]): Volume[] {
  const ids = new Set([...(key.volumes ?? []), ...(key.scopes ?? []).map((scope) => scope.volumeId)]);
  const named = volumes.filter((volume) => ids.has(volume.id) || ids.has(volume.name));
  return named.length ? named : volumes;
}

function CreatedKey({ created, volumes, onDone }: { created: CreatedAccessKey; volumes: Volume[]; onDone: () => void }) {
  return (
    <section class="notice once" aria-labelledby="created-key-heading">
      <h2 id="created-key-heading">Key created</h2>
      <p role="alert">
        <strong>Copy the secret now: it is shown this once and never again.</strong> Anyone who holds the pair can use your volumes as you
        until {when(created.expiresAt)}; revoke the key if it leaks.
      </p>
      <label for="created-key-id">Access key id</label>
      <div class="secret-row">
        <input id="created-key-id" type="text" readOnly value={created.accessKeyId} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={created.accessKeyId} label="Copy key id" />
      </div>
      <label for="created-key-secret">Secret access key</label>
      <div class="secret-row">
        <input
          id="created-key-secret"
          type="text"
          readOnly
          spellcheck={false}
          autoComplete="off"
          value={created.secretAccessKey}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={created.secretAccessKey} label="Copy secret" />
      </div>
      <KeySnippets volumes={keyVolumes(created, volumes)} keyPair={created} />
      <div class="actions">
        <button type="button" class="secondary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

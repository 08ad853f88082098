/**
 * Browse a volume: one folder at a time (`GET /volumes/{id}/objects` with `delimiter=/`), breadcrumbs of the prefix,
 * folders then files with size and date, "Next page" / "Previous page" (a stack of the tokens that led here), a
 * presigned GET per file to download it, and, for members who may write, the upload panel.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { useLoad } from '../components/use-load';
import { bytes, when } from '../format';
import { href } from '../router';
import type { ObjectEntry, ObjectPage, PresignedUrl, Volume } from '../types';
import { UploadPanel } from '../upload/upload-panel';

export const PAGE_SIZE = 100;

const baseName = (path: string) => path.replace(/\/$/, '').split('/').pop() ?? path;

export function BrowsePage({ volume, prefix }: { volume: Volume; prefix: string }) {
  const [refreshed, setRefreshed] = useState(0);
  return (
    <>
      <PageTitle title={`Files of ${volume.name}${prefix ? `: /${prefix}` : ''}`}>Files</PageTitle>
      <Breadcrumbs volume={volume} prefix={prefix} />
      <Listing key={prefix} volume={volume} prefix={prefix} refreshed={refreshed} />
      {volume.access.data === 'write' ? (
        <UploadPanel volumeId={volume.id} prefix={prefix} onUploaded={() => setRefreshed((n) => n + 1)} />
      ) : (
        <p class="hint">You may read this volume's files; uploading needs write access.</p>
      )}
    </>
  );
}

function Breadcrumbs({ volume, prefix }: { volume: Volume; prefix: string }) {
  const parts = prefix.split('/').filter(Boolean);
  const crumbs = [
    { label: volume.name, prefix: '' },
    ...parts.map((part, index) => ({ label: part, prefix: `${parts.slice(0, index + 1).join('/')}/` })),
  ];
  return (
    <nav aria-label="Folder" class="path">
      <ol>
        {crumbs.map((crumb, index) => (
          <li key={crumb.prefix}>
            <a
              href={href({ page: 'browse', id: volume.id, prefix: crumb.prefix })}
              aria-current={index === crumbs.length - 1 ? 'page' : undefined}
            >
              {crumb.label}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Listing({ volume, prefix, refreshed }: { volume: Volume; prefix: string; refreshed: number }) {
  /** The tokens of the pages before this one; the last is this page's. */
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens.at(-1);
  const { data, error, loading } = useLoad(
    () =>
      api.get<ObjectPage>(`/volumes/${segment(volume.id)}/objects`, {
        prefix,
        delimiter: '/',
        limit: PAGE_SIZE,
        nextToken: token,
      }),
    [volume.id, prefix, token, refreshed],
  );
  const pageNumber = tokens.length + 1;
  const empty = data && data.objects.length === 0 && data.prefixes.length === 0;
  return (
    <section aria-labelledby="listing-heading">
      <h2 id="listing-heading" class="visually-hidden">
        Folders and files
      </h2>
      <ErrorMessage error={error} title="The folder could not be listed" />
      <p aria-live="polite" class="hint">
        {loading ? 'Loading…' : data ? `Page ${pageNumber}: ${data.prefixes.length} folders, ${data.objects.length} files.` : ''}
      </p>
      {empty ? <p>{prefix ? 'This folder is empty.' : 'This volume has no files yet.'}</p> : null}
      {data && !empty ? (
        <div class="table-wrap">
          <table class="responsive files">
            <caption class="visually-hidden">Contents of /{prefix}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col">Last modified</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.prefixes.map((folder) => (
                <tr key={folder} class="folder">
                  <td data-label="Folder" class="key">
                    <a href={href({ page: 'browse', id: volume.id, prefix: folder })}>{baseName(folder)}/</a>
                  </td>
                  <td data-label="Size" class="num">
                    —
                  </td>
                  <td data-label="Last modified" />
                  <td />
                </tr>
              ))}
              {data.objects.map((object) => (
                <FileRow key={object.key} volume={volume} object={object} prefix={prefix} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {tokens.length > 0 || data?.nextToken ? (
        <div class="actions">
          <button type="button" class="secondary" disabled={tokens.length === 0 || loading} onClick={() => setTokens(tokens.slice(0, -1))}>
            Previous page
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!data?.nextToken || loading}
            onClick={() => data?.nextToken && setTokens([...tokens, data.nextToken])}
          >
            Next page
          </button>
        </div>
      ) : null}
    </section>
  );
}

function FileRow({ volume, object, prefix }: { volume: Volume; object: ObjectEntry; prefix: string }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const name = object.key.startsWith(prefix) ? object.key.slice(prefix.length) : object.key;
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const presigned = await api.post<PresignedUrl>(`/volumes/${segment(volume.id)}/presign`, {
        key: object.key,
        method: 'GET',
        filename: baseName(object.key),
      });
      // S3 answers with Content-Disposition: attachment, so the browser saves the file and the page stays.
      const link = document.createElement('a');
      link.href = presigned.url;
      link.download = baseName(object.key);
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr class="file">
      <td data-label="File" class="key">
        {name}
        <ErrorMessage error={error} title="Not downloaded" />
      </td>
      <td data-label="Size" class="num">
        {bytes(object.size)}
      </td>
      <td data-label="Last modified">{when(object.lastModified)}</td>
      <td>
        <span class="row-actions">
          <button type="button" class="secondary" onClick={download} disabled={busy} aria-label={`Download ${name}`}>
            Download
          </button>
          <a href={href({ page: 'links', id: volume.id, key: object.key })} aria-label={`Share ${name}`}>
            Share
          </a>
        </span>
      </td>
    </tr>
  );
}

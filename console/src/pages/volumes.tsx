/** My volumes: every volume the caller is a member of (`GET /volumes`, a page at a time with "More"). */
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { User } from '../auth';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../components/use-load';
import { href } from '../router';
import type { Volume, VolumePage } from '../types';

const PAGE_SIZE = 25;

export function VolumesPage(_props: { user: User }) {
  const first = useLoad(() => api.get<VolumePage>('/volumes', { limit: PAGE_SIZE }), []);
  const [more, setMore] = useState<{ items: Volume[]; loaded?: boolean; nextToken?: string; error?: unknown; busy?: boolean }>({
    items: [],
  });
  const items = [...(first.data?.items ?? []), ...more.items];
  const nextToken = more.loaded ? more.nextToken : first.data?.nextToken;

  const loadMore = async () => {
    setMore((previous) => ({ ...previous, busy: true, error: undefined }));
    try {
      const page = await api.get<VolumePage>('/volumes', { limit: PAGE_SIZE, nextToken });
      setMore((previous) => ({
        items: [...previous.items, ...page.items],
        loaded: true,
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      }));
    } catch (error) {
      setMore((previous) => ({ ...previous, busy: false, error }));
    }
  };

  return (
    <>
      <PageTitle title="My volumes" />
      <ErrorMessage error={first.error} title="Your volumes could not be listed" />
      {!first.data && !first.error ? <p aria-busy="true">Loading your volumes…</p> : null}
      {first.data && items.length === 0 ? (
        <div class="notice">
          <p>You are not a member of any volume yet.</p>
          <p>
            <a class="button" href={href({ page: 'register' })}>
              Register a volume
            </a>{' '}
            to point one at your own bucket, or ask a volume's admin to add you.
          </p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <>
          <p>
            <a href={href({ page: 'register' })}>Register a volume</a>
          </p>
          <div class="table-wrap">
            <table class="responsive">
              <caption class="visually-hidden">Volumes you are a member of</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Bucket / prefix</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Status</th>
                  <th scope="col">My access</th>
                </tr>
              </thead>
              <tbody>
                {items.map((volume) => (
                  <tr key={volume.id}>
                    <td data-label="Name">
                      <a href={href({ page: 'volume', id: volume.id })}>{volume.name}</a>
                    </td>
                    <td data-label="Bucket / prefix" class="key">
                      <code>
                        {volume.bucket}
                        {volume.prefix ? `/${volume.prefix}` : ''}
                      </code>
                    </td>
                    <td data-label="Mode">{volume.accessMode}</td>
                    <td data-label="Status">
                      <StatusBadge status={volume.status} />
                    </td>
                    <td data-label="My access">
                      {volume.access.membership} ({volume.access.data === 'write' ? 'read and write data' : 'read data'})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <ErrorMessage error={more.error} title="More volumes could not be listed" />
      {nextToken ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={loadMore} disabled={more.busy}>
            More
          </button>
          <span aria-live="polite">{more.busy ? 'Loading more volumes…' : ''}</span>
        </div>
      ) : null}
    </>
  );
}

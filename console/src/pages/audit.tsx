/**
 * A volume's audit trail (admins; the API refuses others with its own message), newest first, filtered by subject
 * and action. `GET /volumes/{id}/audit` takes only `limit` and `nextToken`, so the filter is applied here: with a
 * filter the page reads the trail 100 events at a time until it has a page of matches or has read MAX_SCAN events,
 * showing how many it has read; "Next page" goes on from there.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { Pager, usePages } from '../components/pager';
import { useLoad } from '../components/use-load';
import { when } from '../format';
import type { AuditEvent, AuditPage as AuditPageData, Volume } from '../types';

const PAGE = 25;
const SCAN_PAGE = 100;
const MAX_SCAN = 2000;
/** The actions the service writes (shared/volumes, shared/links, shared/vending, the proxy), offered as suggestions. */
const ACTIONS = [
  'volume.create',
  'volume.update',
  'volume.verify',
  'volume.delete',
  'member.put',
  'member.delete',
  'audit.list',
  'credentials.vend',
  'presign',
  'objects.list',
  'upload.start',
  'upload.parts',
  'upload.complete',
  'upload.abort',
  'link.create',
  'link.revoke',
  'link.download',
  'sessions.revoke',
  'access-key.create',
  'access-key.revoke',
  'proxy.*',
];

interface Filter {
  subject: string;
  action: string;
}

/** An action filter ending in `*` matches by prefix (`proxy.*`, `link.*`); otherwise exactly. */
function matches(event: AuditEvent, filter: Filter): boolean {
  if (filter.subject && event.subject !== filter.subject) return false;
  if (!filter.action) return true;
  return filter.action.endsWith('*') ? event.action.startsWith(filter.action.slice(0, -1)) : event.action === filter.action;
}

interface Found {
  items: AuditEvent[];
  nextToken: string | undefined;
  scanned: number;
}

async function find(volumeId: string, filter: Filter, start: string | undefined, progress: (scanned: number) => void): Promise<Found> {
  const filtered = Boolean(filter.subject || filter.action);
  const items: AuditEvent[] = [];
  let token = start;
  let scanned = 0;
  do {
    const page = await api.get<AuditPageData>(`/volumes/${segment(volumeId)}/audit`, {
      limit: filtered ? SCAN_PAGE : PAGE,
      nextToken: token,
    });
    scanned += page.items.length;
    items.push(...page.items.filter((event) => matches(event, filter)));
    token = page.nextToken;
    progress(scanned);
  } while (filtered && token && items.length < PAGE && scanned < MAX_SCAN);
  return { items, nextToken: token, scanned };
}

export function AuditPage({ volume }: { volume: Volume }) {
  const [filter, setFilter] = useState<Filter>({ subject: '', action: '' });
  const [draft, setDraft] = useState<Filter>(filter);
  const [scanned, setScanned] = useState(0);
  const pages = usePages();
  const found = useLoad(() => find(volume.id, filter, pages.token, setScanned), [volume.id, filter.subject, filter.action, pages.token]);
  const filtered = Boolean(filter.subject || filter.action);

  const apply = (event: Event) => {
    event.preventDefault();
    setFilter({ subject: draft.subject.trim(), action: draft.action.trim() });
    pages.first();
  };
  const clear = () => {
    setDraft({ subject: '', action: '' });
    setFilter({ subject: '', action: '' });
    pages.first();
  };

  return (
    <>
      <PageTitle title="Audit trail" />
      <p>Every attempt on this volume, allowed or not, newest first. Never a secret, a token or a URL.</p>
      <form class="filters" onSubmit={apply} aria-label="Filter the audit trail">
        <div>
          <label for="audit-subject">Subject</label>
          <input
            id="audit-subject"
            type="text"
            autoComplete="off"
            value={draft.subject}
            onInput={(e) => setDraft({ ...draft, subject: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="audit-action">
            Action <span class="hint">e.g. member.put, or link.* for every link action</span>
          </label>
          <input
            id="audit-action"
            type="text"
            list="audit-actions"
            autoComplete="off"
            value={draft.action}
            onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
          />
          <datalist id="audit-actions">
            {ACTIONS.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          <button type="button" class="secondary" onClick={clear} disabled={!filtered && !draft.subject && !draft.action}>
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage error={found.error} />
      {found.loading ? (
        <p aria-busy="true" role="status">
          {filtered ? `Searching the trail… ${scanned} events read` : 'Loading the trail…'}
        </p>
      ) : null}
      {found.data && !found.loading ? (
        <p role="status" class="hint">
          {filtered
            ? `${found.data.items.length} matching of ${found.data.scanned} events read${found.data.nextToken ? '; Next page reads on' : ''}.`
            : `${found.data.items.length} events.`}
        </p>
      ) : null}
      {found.data && found.data.items.length > 0 ? <AuditTable events={found.data.items} busy={found.loading} /> : null}
      {found.data && found.data.items.length === 0 && !found.loading ? <p>No events{filtered ? ' match the filter' : ''}.</p> : null}
      <Pager pages={pages} nextToken={found.data?.nextToken} label="the audit trail" />
    </>
  );
}

function AuditTable({ events, busy }: { events: AuditEvent[]; busy: boolean }) {
  return (
    <div class="table-wrap">
      <table class="responsive sharing audit" aria-busy={busy}>
        <caption class="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Subject</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Request id</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={`${event.at}-${event.requestId}-${event.action}`}>
              <td data-label="When">
                <time dateTime={event.at}>{when(event.at)}</time>
              </td>
              <td data-label="Subject" class="key">
                {event.subject}
              </td>
              <td data-label="Action">
                <code>{event.action}</code>
              </td>
              <td data-label="Outcome">
                <span class={`badge ${event.outcome}`}>{event.outcome}</span>
              </td>
              <td data-label="Request id" class="key">
                <code>{event.requestId}</code>
              </td>
              <td data-label="Detail" class="key">
                {detail(event.detail)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function detail(fields: AuditEvent['detail']): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/**
 * A volume's audit trail (admins; the API refuses others with its own message), newest first, filtered by subject,
 * action (a trailing `*` matches by prefix) and time. The API filters (`GET /volumes/{id}/audit?subject=&action=&since=
 * &until=`), examining at most a thousand events per request: a page may come back short, or empty with a `nextToken`
 * when no event matched in what it read. An empty page with a token is read on at once (MAX_READS requests at most,
 * the progress shown); a short one says that "Next page" reads on.
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
/** Requests one page may take while the API answers empty pages with a token (each examined a thousand events). */
const MAX_READS = 5;
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

/** As typed: `since`/`until` are the local times of the datetime inputs (`2026-12-06T05:30`), empty when not set. */
interface Filter {
  subject: string;
  action: string;
  since: string;
  until: string;
}

const NO_FILTER: Filter = { subject: '', action: '', since: '', until: '' };
const isFiltered = (filter: Filter) => Object.values(filter).some(Boolean);
/** A datetime input's local time as the API takes it (ISO 8601 in UTC); undefined when empty, as typed when not a time. */
function instant(local: string): string | undefined {
  const time = new Date(local);
  return local && !Number.isNaN(time.getTime()) ? time.toISOString() : local || undefined;
}

interface Found {
  items: AuditEvent[];
  nextToken: string | undefined;
}

async function find(volumeId: string, filter: Filter, start: string | undefined, progress: (reads: number) => void): Promise<Found> {
  const query = { limit: PAGE, subject: filter.subject, action: filter.action, since: instant(filter.since), until: instant(filter.until) };
  let page: AuditPageData = { items: [], nextToken: start };
  for (let reads = 1; reads <= MAX_READS; reads++) {
    progress(reads);
    page = await api.get<AuditPageData>(`/volumes/${segment(volumeId)}/audit`, { ...query, nextToken: page.nextToken });
    if (page.items.length > 0 || !page.nextToken) break;
  }
  return { items: page.items, nextToken: page.nextToken };
}

export function AuditPage({ volume }: { volume: Volume }) {
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [draft, setDraft] = useState<Filter>(filter);
  const [reads, setReads] = useState(0);
  const pages = usePages();
  const found = useLoad(
    () => find(volume.id, filter, pages.token, setReads),
    [volume.id, filter.subject, filter.action, filter.since, filter.until, pages.token],
  );
  const filtered = isFiltered(filter);

  const apply = (event: Event) => {
    event.preventDefault();
    setFilter({ ...draft, subject: draft.subject.trim(), action: draft.action.trim() });
    pages.first();
  };
  const clear = () => {
    setDraft(NO_FILTER);
    setFilter(NO_FILTER);
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
        <div>
          <label for="audit-since">From</label>
          <input
            id="audit-since"
            type="datetime-local"
            value={draft.since}
            onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="audit-until">Until</label>
          <input
            id="audit-until"
            type="datetime-local"
            value={draft.until}
            onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
          />
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          <button type="button" class="secondary" onClick={clear} disabled={!filtered && !isFiltered(draft)}>
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage error={found.error} />
      {found.loading ? (
        <p aria-busy="true" role="status">
          {filtered
            ? `Searching the trail…${reads > 1 ? ` still reading (request ${reads} of at most ${MAX_READS})` : ''}`
            : 'Loading the trail…'}
        </p>
      ) : null}
      {found.data && !found.loading ? (
        <p role="status" class="hint">
          {filtered
            ? `${found.data.items.length} matching events${found.data.nextToken ? '; Next page reads on' : ''}.`
            : `${found.data.items.length} events.`}
        </p>
      ) : null}
      {found.data && found.data.items.length > 0 ? <AuditTable events={found.data.items} busy={found.loading} /> : null}
      {found.data && found.data.items.length === 0 && !found.loading ? (
        <p>{found.data.nextToken ? 'No match in the events read so far.' : `No events${filtered ? ' match the filter' : ''}.`}</p>
      ) : null}
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

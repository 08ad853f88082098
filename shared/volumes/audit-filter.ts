/**
 * Which events of a volume's audit trail a listing asks for: one subject (exactly), one action (exactly, or every
 * action starting with what comes before a trailing `*`, e.g. `link.*`), and a time window (`since` inclusive,
 * `until` exclusive). The rules the route's query schema (`auditQuery` in schemas.ts) declares and the domain applies again
 * for direct callers ({@link auditFilter}), which also puts the times in canonical form (`toISOString`, the form of the
 * audit table's sort key). No zod here: the DynamoDB adapter imports this module.
 */
import { ValidationFailed } from '../errors';

export interface AuditFilter {
  /** Events of this subject only. */
  subject?: string;
  /** Events whose action equals `value` (`exact`) or starts with it (`prefix`). */
  action?: { match: 'exact' | 'prefix'; value: string };
  /** Events at or after this time: canonical ISO 8601 (`Date#toISOString`). */
  since?: string;
  /** Events before this time: canonical ISO 8601. */
  until?: string;
}

export interface AuditQueryInput {
  subject?: string;
  action?: string;
  since?: string;
  until?: string;
}

/** Items a filtered listing examines at most per request (DynamoDB reads, then drops, the events that do not match). */
export const AUDIT_READ_BUDGET = 1000;
const MAX_SUBJECT_LENGTH = 256;
const MAX_ACTION_LENGTH = 64;
const ACTION = /^[A-Za-z0-9._:-]+\*?$/;
const LAST_TIME = Date.UTC(10000, 0, 1);
const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(?:Z|[+-](\d\d):(\d\d))$/;

export function subjectFilterProblem(subject: string): string | undefined {
  if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || /\p{Cc}/u.test(subject))
    return `must be a subject (the "sub" of a token, as the trail shows it), 1 to ${MAX_SUBJECT_LENGTH} characters, no control characters`;
  return undefined;
}

export function actionFilterProblem(action: string): string | undefined {
  if (action.length <= MAX_ACTION_LENGTH && ACTION.test(action)) return undefined;
  return (
    'must be an action such as "member.put", or a prefix ending in "*" such as "link.*": ' +
    `letters, digits, ".", "-", "_" and ":", at most ${MAX_ACTION_LENGTH} characters, "*" only at the end`
  );
}

/** A real calendar time with a zone (`Z` or `±hh:mm`), as `2026-12-06T05:30:00Z`, from 1970 on; read to the millisecond. */
export function timeProblem(time: string): string | undefined {
  const parts = TIME.exec(time);
  const [, year, month, day, hour, minute, second = '0', zoneHours = '0', zoneMinutes = '0'] = parts ?? [];
  const ok =
    parts !== null &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    Number(zoneHours) < 24 &&
    Number(zoneMinutes) < 60 &&
    new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDate() === Number(day) &&
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    // Within the years the sort key's canonical form orders as text (a zone can carry 0000 or 9999 out of them).
    Date.parse(time) >= 0 &&
    Date.parse(time) < LAST_TIME;
  return ok ? undefined : 'must be an ISO 8601 time with a zone, e.g. 2026-12-06T05:30:00Z or 2026-12-06T06:30:00+01:00';
}

export const UNTIL_BEFORE_SINCE = 'must be later than since';

function checked(field: keyof AuditQueryInput, value: string, problem: (value: string) => string | undefined): string {
  const message = typeof value === 'string' ? problem(value) : 'must be a string';
  if (message) throw new ValidationFailed(`${field}: ${message}.`, field);
  return value;
}

/** The filter of a listing, checked (400 `ValidationFailed` naming the field) and with times in canonical form. */
export function auditFilter(input: AuditQueryInput = {}): AuditFilter {
  const filter: AuditFilter = {};
  if (input.subject !== undefined) filter.subject = checked('subject', input.subject, subjectFilterProblem);
  if (input.action !== undefined) {
    const action = checked('action', input.action, actionFilterProblem);
    filter.action = action.endsWith('*') ? { match: 'prefix', value: action.slice(0, -1) } : { match: 'exact', value: action };
  }
  if (input.since !== undefined) filter.since = new Date(Date.parse(checked('since', input.since, timeProblem))).toISOString();
  if (input.until !== undefined) filter.until = new Date(Date.parse(checked('until', input.until, timeProblem))).toISOString();
  if (filter.since && filter.until && filter.until <= filter.since) throw new ValidationFailed(`until: ${UNTIL_BEFORE_SINCE}.`, 'until');
  return filter;
}

/** Whether the listing is narrowed at all (an empty filter lists every event). */
export const isFiltered = (filter: AuditFilter): boolean => Object.values(filter).some((value) => value !== undefined);

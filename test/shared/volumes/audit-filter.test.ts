import { describe, expect, it } from 'vitest';
import { auditFilter, isFiltered } from '../../../shared/volumes/audit-filter';

describe('auditFilter', () => {
  it('reads a trailing * as a prefix, anything else as the exact action', () => {
    expect(auditFilter({ action: 'link.*' }).action).toEqual({ match: 'prefix', value: 'link.' });
    expect(auditFilter({ action: 'proxy.GetObject' }).action).toEqual({ match: 'exact', value: 'proxy.GetObject' });
  });

  it('puts times in the sort key form (UTC, milliseconds), whatever zone they were written in', () => {
    expect(auditFilter({ since: '2026-12-06T06:30:00+01:00', until: '2026-12-06T05:31Z' })).toEqual({
      since: '2026-12-06T05:30:00.000Z',
      until: '2026-12-06T05:31:00.000Z',
    });
  });

  it('refuses what it cannot filter by, naming the field, for callers that skip the route schema', () => {
    expect(() => auditFilter({ action: 'a*b' })).toThrow(/^action: /);
    expect(() => auditFilter({ since: '1969-12-31T23:59:59Z' })).toThrow(/^since: /);
    expect(() => auditFilter({ until: '9999-12-31T23:00:00-05:00' })).toThrow(/^until: /);
    expect(() => auditFilter({ since: '2026-12-06T05:30:00.0004Z', until: '2026-12-06T05:30:00.0009Z' })).toThrow(/^until: must be later/);
  });

  it('an empty filter is no filter', () => {
    expect(isFiltered(auditFilter({}))).toBe(false);
    expect(isFiltered(auditFilter({ subject: 'bob' }))).toBe(true);
  });
});

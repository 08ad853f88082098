/**
 * `GET /volumes/{id}/audit` narrowed server-side on the real local stack: by subject, by action (exact, or a prefix
 * ending in `*`), by a time window (a range of the sort key), all at once; paging through sparse matches with a small
 * limit and a small read budget collects exactly the matching events, newest first, once each; a token is bound to its
 * filters; bad values are refused naming the field. And the local DynamoDB counts `Limit` before the filter, as AWS does.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log';
import type { AuditFilter } from '../../shared/volumes/audit-filter';
import type { AuditEvent } from '../../shared/volumes/model';
import { gatewayDynamo, localTables } from '../shared/adapters/helpers';
import { startTestStack, type TestStack } from '../support/local-stack';
import { type ApiCall, apiAs } from '../support/sdk-volume';

const SUBJECTS = ['bob', 'alice', 'carol'];
const ACTIONS = ['member.put', 'link.create', 'link.revoke', 'link.download', 'presign', 'linked.thing'];
const SEEDED = 48;

let stack: TestStack;
let alice: ApiCall;
let volumeId: string;
/** Seeded events are one second apart from T0 on, an hour ago. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
const at = (second: number) => new Date(T0 + second * 1000).toISOString();
/** The whole trail, newest first, as the unfiltered listing answers it. */
let trail: AuditEvent[];
const table = localTables().audit;

type Query = Record<string, string | number | undefined>;
const path = (query: Query) => {
  const given = Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]]));
  return `/volumes/${volumeId}/audit?${new URLSearchParams(given)}`;
};
const audit = (query: Query) => alice('GET', path(query));

/** Every page of a listing, each checked 200. */
async function pages(query: Query): Promise<Array<{ items: AuditEvent[]; nextToken?: string }>> {
  const seen = [];
  let nextToken: string | undefined;
  do {
    const answer = await audit({ ...query, nextToken });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    seen.push(answer.body);
    nextToken = answer.body.nextToken;
  } while (nextToken && seen.length < 100);
  return seen;
}

const all = async (query: Query) => (await pages(query)).flatMap((page) => page.items);

beforeAll(async () => {
  stack = await startTestStack();
  alice = apiAs(stack, stack.token({ sub: 'alice' }));
  const created = await alice('POST', '/volumes', {
    name: 'audit-filters',
    bucket: 'audit-filters-lab',
    region: 'us-east-1',
    accessMode: 'read-only',
    auth: { type: 'role', roleArn: 'arn:aws:iam::111122223333:role/audit-filters' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  volumeId = created.body.id;
  const log = createDynamoAuditLog({ client: gatewayDynamo(stack), tableName: table, retentionDays: 30, clock: { now: () => new Date() } });
  await Promise.all(
    Array.from({ length: SEEDED }, (_, i) =>
      log.record({
        volumeId,
        at: at(i),
        subject: SUBJECTS[i % SUBJECTS.length]!,
        action: ACTIONS[i % ACTIONS.length]!,
        outcome: 'succeeded',
        requestId: `req-${i}`,
      }),
    ),
  );
  trail = await all({ limit: 100 });
  expect(trail.length).toBe(SEEDED + 1); // and the volume's creation
}, 60_000);

afterAll(() => stack?.close());

const matching = (filter: { subject?: string; action?: string; since?: string; until?: string }) =>
  trail.filter(
    (event) =>
      (!filter.subject || event.subject === filter.subject) &&
      (!filter.action ||
        (filter.action.endsWith('*') ? event.action.startsWith(filter.action.slice(0, -1)) : event.action === filter.action)) &&
      (!filter.since || Date.parse(event.at) >= Date.parse(filter.since)) &&
      (!filter.until || Date.parse(event.at) < Date.parse(filter.until)),
  );

describe('filters', () => {
  it("by subject: only that subject's events, newest first", async () => {
    const bob = await all({ subject: 'bob', limit: 100 });
    expect(bob.length).toBe(SEEDED / 3);
    expect(bob).toEqual(matching({ subject: 'bob' }));
  });

  it('by action: exact, and every action with the prefix before a trailing *', async () => {
    expect(await all({ action: 'link.create', limit: 100 })).toEqual(matching({ action: 'link.create' }));
    const links = await all({ action: 'link.*', limit: 100 });
    expect(new Set(links.map((event) => event.action))).toEqual(new Set(['link.create', 'link.revoke', 'link.download']));
    expect(links).toEqual(matching({ action: 'link.*' }));
    expect(await all({ action: 'link*', limit: 100 })).toEqual(matching({ action: 'link*' })); // linked.thing too
    expect(await all({ action: 'link', limit: 100 })).toEqual([]);
  });

  it('by time: since inclusive, until exclusive, in any zone', async () => {
    const window = await all({ since: at(10), until: at(20), limit: 100 });
    expect(window.map((event) => event.requestId)).toEqual(Array.from({ length: 10 }, (_, i) => `req-${19 - i}`));
    // The same instants written with an offset.
    const offset = (second: number) => `${new Date(T0 + second * 1000 + 3600_000).toISOString().slice(0, 19)}+01:00`;
    expect(await all({ since: offset(10), until: offset(20), limit: 100 })).toEqual(window);
    expect(await all({ since: at(SEEDED - 2), limit: 100 })).toEqual(matching({ since: at(SEEDED - 2) }));
    expect(await all({ until: at(2), limit: 100 })).toEqual(matching({ until: at(2) }));
    expect((await all({ until: at(2), limit: 100 })).map((event) => event.requestId)).toEqual(['req-1', 'req-0']);
  });

  it('by subject, action and time together', async () => {
    const filter = { subject: 'bob', action: 'link.*', since: at(5), until: at(40) };
    const found = await all({ ...filter, limit: 100 });
    expect(found.length).toBeGreaterThan(2);
    expect(found).toEqual(matching(filter));
  });
});

describe('paging through filtered events', () => {
  it('a small limit collects exactly the matching events, newest first, each once; the last page has no token', async () => {
    const filter = { subject: 'carol', action: 'link.*' };
    const seen = await pages({ ...filter, limit: 2 });
    const events = seen.flatMap((page) => page.items);
    expect(events).toEqual(matching(filter));
    expect(new Set(events.map((event) => event.requestId)).size).toBe(events.length);
    expect(seen.every((page) => page.items.length <= 2)).toBe(true);
    expect(seen.at(-1)!.nextToken).toBeUndefined();
  });

  it('a read budget spent mid-page answers what it found and a token that reads on, skipping and repeating nothing', async () => {
    const log = createDynamoAuditLog({
      client: gatewayDynamo(stack),
      tableName: table,
      retentionDays: 30,
      clock: { now: () => new Date() },
      readBudget: 5,
    });
    for (const [filter, query] of [
      [
        { subject: 'bob', action: { match: 'prefix', value: 'link.' } },
        { subject: 'bob', action: 'link.*' },
      ],
      [
        { action: { match: 'exact', value: 'presign' }, since: at(3) },
        { action: 'presign', since: at(3) },
      ],
    ] as Array<[AuditFilter, Record<string, string>]>) {
      const seen = [];
      let nextToken: string | undefined;
      do {
        const page = await log.list(volumeId, { limit: 3, nextToken }, filter);
        seen.push(page);
        nextToken = page.nextToken;
      } while (nextToken && seen.length < 100);
      expect(seen.flatMap((page) => page.items)).toEqual(matching(query));
      // Pages cut short by the budget: fewer than the limit, some empty, each with a token.
      expect(seen.some((page) => page.items.length < 3 && page.nextToken)).toBe(true);
    }
  });

  it('a token is only good with the filters it was given with', async () => {
    const first = await audit({ subject: 'bob', limit: 2 });
    expect(first.body.nextToken).toEqual(expect.any(String));
    const unfiltered = await audit({ limit: 2 });
    for (const query of [
      { subject: 'alice', limit: 2, nextToken: first.body.nextToken },
      { subject: 'bob', action: 'presign', limit: 2, nextToken: first.body.nextToken },
      { subject: 'bob', since: at(0), limit: 2, nextToken: first.body.nextToken },
      { limit: 2, nextToken: first.body.nextToken },
      { subject: 'bob', limit: 2, nextToken: unfiltered.body.nextToken },
    ]) {
      const answer = await audit(query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body.code).toBe('InvalidNextToken');
    }
    expect((await audit({ subject: 'bob', limit: 5, nextToken: first.body.nextToken })).status).toBe(200);
  });
});

describe('refusals', () => {
  it.each([
    [{ subject: '' }, 'subject', /subject: must be a subject/],
    [{ subject: 'a\u0001b' }, 'subject', /no control characters/],
    [{ action: 'link.*.x' }, 'action', /"\*" only at the end/],
    [{ action: '*' }, 'action', /prefix ending in "\*" such as "link\.\*"/],
    [{ action: 'member put' }, 'action', /such as "member\.put"/],
    [{ since: 'yesterday' }, 'since', /since: must be an ISO 8601 time with a zone, e\.g\. 2026-12-06T05:30:00Z/],
    [{ until: '2026-02-31T00:00:00Z' }, 'until', /ISO 8601/],
    [{ since: '2026-12-06T05:30:00' }, 'since', /with a zone/],
    [{ since: at(5), until: at(5) }, 'until', /until: must be later than since/],
    [{ since: at(5), until: at(4) }, 'until', /later than since/],
  ])('%j is 400 ValidationFailed naming %s', async (query, field, message) => {
    const answer = await audit(query);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'ValidationFailed', field, message: expect.stringMatching(message) });
  });
});

describe('the local DynamoDB', () => {
  it('counts Limit in items examined before the filter, and says where it stopped, as AWS does', async () => {
    const raw = DynamoDBDocumentClient.from(gatewayDynamo(stack));
    const result = await raw.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk < :until',
        FilterExpression: 'begins_with(#action, :prefix) AND subject = :subject',
        ExpressionAttributeNames: { '#action': 'action' },
        ExpressionAttributeValues: { ':pk': `VOL#${volumeId}`, ':until': at(SEEDED), ':prefix': 'link.', ':subject': 'bob' },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 6,
      }),
    );
    expect(result.ScannedCount).toBe(6);
    // Of the six newest seeded events (req-47 … req-42), only bob's link events pass the filter.
    expect(result.Items!.map((item) => item.requestId)).toEqual(
      matching({ subject: 'bob', action: 'link.*', until: at(SEEDED), since: at(SEEDED - 6) }).map((event) => event.requestId),
    );
    expect(result.LastEvaluatedKey).toEqual({ pk: `VOL#${volumeId}`, sk: expect.stringMatching(/^\d{4}-.*#req-42#/) });
  });
});

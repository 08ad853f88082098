/**
 * The checks one client makes through one endpoint, as a table: the operations each needs and how its answer is
 * judged. Writes are judged by reading them back with the JS SDK through the same endpoint. A check that cannot
 * apply says why (`SKIP`): a read-only volume takes no writes, a function URL takes no 5 MiB part.
 */
import type { Endpoint } from './args';
import { sdkRunner } from './clients/sdk';
import { type ClientRunner, NOT_FOUND, type Op, type OpAnswer, type OpResult, type Target } from './clients/types';
import type { Fixtures, LocalFile, ReadObject } from './fixtures';
import type { CheckResult, Outcome } from './report';

export interface Plan {
  fixtures: Fixtures;
  writable: boolean;
  /** A bucket that is no volume of the caller's. */
  outsideBucket: string;
}

type Verdict = { pass: boolean; detail: string };

/** Whom a check is run for: the plan, the endpoint, the client, and a read-back through the same endpoint. */
interface Context {
  plan: Plan;
  endpoint: Endpoint;
  client: string;
  /** The volume's name (the bucket clients see). */
  bucket: string;
  /** Reads an object back with the JS SDK through the endpoint under test. */
  verify(key: string): Promise<OpResult>;
}

interface Check {
  name: string;
  /** Why the check does not apply, if it does not. */
  skip?(ctx: Context): string | undefined;
  ops(ctx: Context): Op[];
  judge(answers: OpAnswer[], ctx: Context): Verdict | Promise<Verdict>;
}

const READ_ONLY = 'read-only volume';
const writesOnly = ({ plan }: Context) => (plan.writable ? undefined : READ_ONLY);
/** Where a client's upload goes: `<prefix><endpoint>/<client>/<name>`. */
const written = ({ plan, endpoint, client }: Context, name: string) => `${plan.fixtures.prefix}${endpoint.name}/${client}/${name}`;

function sameBytes(got: OpAnswer, want: { size: number; sha256: string }, what: string): Verdict {
  if (got.length !== want.size) return { pass: false, detail: `${what}: ${got.length} bytes, ${want.size} expected` };
  if (got.sha256 !== want.sha256) return { pass: false, detail: `${what}: ${got.length} bytes, sha256 differs` };
  return { pass: true, detail: `${what}: ${got.length} bytes, sha256 matches` };
}

/**
 * A Content-Length the client reported must be the size; `null` means the client looked and the answer had none.
 * Through a function URL none is what AWS gives (it renames the header x-amzn-Remapped-Content-Length, which must
 * then hold the size): documented, so not a failure there.
 */
function reportedLength(got: OpAnswer, size: number, endpoint: Endpoint): Verdict | undefined {
  if (got.contentLength === null && !(endpoint.name === 'function-url' && got.remappedLength === size))
    return { pass: false, detail: `no Content-Length in the answer (${size} bytes stored)` };
  if (got.contentLength !== undefined && got.contentLength !== null && got.contentLength !== size)
    return { pass: false, detail: `Content-Length ${got.contentLength}, ${size} bytes stored` };
  return undefined;
}

/** How the size travelled, for the report: what an operator learns about the deployed function URL. */
const sizeCarrier = (got: OpAnswer) =>
  got.contentLength === null && got.remappedLength !== undefined
    ? ` (no Content-Length: x-amzn-Remapped-Content-Length ${got.remappedLength})`
    : '';

async function readBack(ctx: Context, key: string, file: LocalFile, parts?: number): Promise<Verdict> {
  const read = await ctx.verify(key);
  if (!read.ok) return { pass: false, detail: `written, but reading it back failed: ${read.error}` };
  const same = sameBytes(read, file, 'read back');
  if (!same.pass || !parts) return same;
  return read.etag?.endsWith(`-${parts}"`)
    ? { pass: true, detail: `${same.detail}, ETag of ${parts} parts` }
    : { pass: false, detail: `stored, but not in ${parts} parts (ETag ${read.etag})` };
}

function judgeRefusal(answer: OpAnswer, codes: string[], what: string): Verdict {
  if (answer.code === 'ok') return { pass: false, detail: `${what} was served (200): the volume's boundary does not hold` };
  const said = `${answer.status ? `${answer.status} ` : ''}${answer.code}`;
  return codes.includes(answer.code!)
    ? { pass: true, detail: `${what}: ${said}` }
    : { pass: false, detail: `${what}: ${said}, expected ${codes.join(' or ')}` };
}

const withCarrier = (verdict: Verdict, got: OpAnswer): Verdict => ({ ...verdict, detail: verdict.detail + sizeCarrier(got) });

const rangeSize = (data: ReadObject) => {
  const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(data.range)!;
  return Number(last) - Number(first) + 1;
};

/** The prefix listed: the run's prefix, or on a read-only volume the key of the object read. */
const listPrefix = (fixtures: Fixtures) => (fixtures.data.key.startsWith(fixtures.prefix) ? fixtures.prefix : fixtures.data.key);

export const CHECKS: Check[] = [
  {
    name: 'head-size',
    ops: ({ plan }) => [{ do: 'head', key: plan.fixtures.data.key }],
    judge: (
      [head],
      {
        plan: {
          fixtures: { data },
        },
        endpoint,
      },
    ) => {
      if (typeof head!.size === 'number') {
        // A function URL as AWS runs it sends no Content-Length: this one did, so it may be the Node front given as --proxy.
        const unlike =
          endpoint.name === 'function-url'
            ? ' (a Content-Length, which a function URL does not send: if this is the Node front, give it as --node-proxy so the S3 ' +
              'clients are checked)'
            : '';
        return { pass: head!.size === data.size, detail: `${head!.size} bytes, ${data.size} stored${unlike}` };
      }
      // Through a function URL AWS renames the header: the size must be there, and S3 clients go to the Node front.
      if (endpoint.name === 'function-url' && head!.remappedLength !== undefined)
        return {
          pass: head!.remappedLength === data.size,
          detail:
            `no Content-Length; x-amzn-Remapped-Content-Length ${head!.remappedLength}, ${data.size} stored (as AWS does: S3 ` +
            `clients need the Node front)`,
        };
      const unknown =
        endpoint.name === 'function-url'
          ? ', nor x-amzn-Remapped-Content-Length: this URL does not do what docs/function-url.md reports'
          : '';
      return { pass: false, detail: `no Content-Length in the HEAD answer${unknown} (${data.size} bytes stored)` };
    },
  },
  {
    name: 'get-range',
    ops: ({
      plan: {
        fixtures: { data },
      },
    }) => [{ do: 'get', key: data.key, range: data.range }],
    judge: (
      [got],
      {
        plan: {
          fixtures: { data },
        },
      },
    ) => sameBytes(got!, { size: rangeSize(data), sha256: data.rangeSha256 }, data.range),
  },
  {
    name: 'get-whole',
    ops: ({
      plan: {
        fixtures: { data },
      },
    }) => [{ do: 'get', key: data.key, download: true }],
    judge: (
      [got],
      {
        plan: {
          fixtures: { data },
        },
        endpoint,
      },
    ) => reportedLength(got!, data.size, endpoint) ?? withCarrier(sameBytes(got!, data, 'whole object'), got!),
  },
  {
    name: 'gzip-intact',
    skip: ({ plan }) => (plan.fixtures.gzip ? undefined : `${READ_ONLY} (no gzip object can be written)`),
    ops: ({ plan }) => [{ do: 'get', key: plan.fixtures.gzip!.key }],
    judge: ([got], { plan: { fixtures }, endpoint }) =>
      reportedLength(got!, fixtures.gzip!.size, endpoint) ?? withCarrier(sameBytes(got!, fixtures.gzip!, 'stored gzip bytes'), got!),
  },
  {
    name: 'put-small',
    skip: writesOnly,
    ops: (ctx) => [{ do: 'put', key: written(ctx, 'small.bin'), file: ctx.plan.fixtures.small.file }],
    judge: (_, ctx) => readBack(ctx, written(ctx, 'small.bin'), ctx.plan.fixtures.small),
  },
  {
    name: 'put-multipart',
    skip: (ctx) =>
      writesOnly(ctx) ??
      (ctx.endpoint.name === 'function-url'
        ? "a function URL takes at most ~4.5 MiB of request body and parts are 5 MiB or more (README, the function URL's limits)"
        : undefined),
    ops: (ctx) => [{ do: 'multipart', key: written(ctx, 'multipart.bin'), file: ctx.plan.fixtures.big.file }],
    judge: (_, ctx) => readBack(ctx, written(ctx, 'multipart.bin'), ctx.plan.fixtures.big, 2),
  },
  {
    name: 'list-prefix',
    ops: ({ plan }) => [{ do: 'list', prefix: listPrefix(plan.fixtures) }],
    judge: ([listed], { plan: { fixtures } }) => {
      const want = [fixtures.data.key, ...(fixtures.gzip ? [fixtures.gzip.key] : [])];
      const missing = want.filter((key) => !listed!.keys?.includes(key));
      return missing.length === 0
        ? { pass: true, detail: `${listed!.keys!.length} keys, the ${want.length} expected among them` }
        : { pass: false, detail: `missing ${missing.join(', ')}` };
    },
  },
  {
    name: 'refused-outside',
    ops: ({ plan }) => [{ do: 'refused', bucket: plan.outsideBucket, key: 'smoke.txt' }],
    judge: ([refused]) => judgeRefusal(refused!, ['NoSuchBucket', 'AccessDenied', NOT_FOUND], 'another bucket'),
  },
];

/** The JS SDK's one more refusal: a key that climbs out of the volume's root (a URL library would resolve the dots). */
const SDK_CHECKS: Check[] = [
  {
    name: 'refused-escape',
    ops: ({ plan, bucket }) => [{ do: 'refused', bucket, key: `${plan.fixtures.prefix}../../../outside.txt` }],
    judge: ([refused]) => judgeRefusal(refused!, ['InvalidArgument', 'AccessDenied'], 'a key with ../ segments'),
  },
];

/** Runs every check of `client` through `endpoint`, as one batch of operations; the results, in the table's order. */
export async function checkClient(endpoint: Endpoint, client: ClientRunner, target: Target, plan: Plan): Promise<CheckResult[]> {
  const ctx: Context = {
    plan,
    endpoint,
    client: client.name,
    bucket: target.bucket,
    verify: async (key) => (await sdkRunner.run(target, [{ do: 'get', key }]))[0]!,
  };
  const result = (outcome: Outcome, check: Check, detail: string): CheckResult => ({
    outcome,
    endpoint: endpoint.name,
    client: client.name,
    check: check.name,
    detail,
  });
  const checks = client.name === sdkRunner.name ? [...CHECKS, ...SDK_CHECKS] : CHECKS;
  const notEssential = (check: Check) =>
    client.essential && !client.essential.checks.includes(check.name) ? client.essential.others : undefined;
  const planned = checks.map((check) => ({ check, skip: check.skip?.(ctx) ?? notEssential(check) }));
  const batches = planned.map(({ check, skip }) => (skip ? [] : check.ops(ctx)));
  let answers: OpResult[];
  try {
    answers = await client.run(target, batches.flat());
  } catch (error) {
    answers = batches.flat().map(() => ({ ok: false, error: (error as Error).message }));
  }
  const results: CheckResult[] = [];
  let next = 0;
  for (const [i, { check, skip }] of planned.entries()) {
    const mine = answers.slice(next, next + batches[i]!.length);
    next += batches[i]!.length;
    const failed = mine.find((answer): answer is { ok: false; error: string } => !answer.ok);
    if (skip) results.push(result('SKIP', check, `skipped: ${skip}`));
    else if (failed) results.push(result('FAIL', check, failed.error));
    else {
      const verdict = await check.judge(mine as OpAnswer[], ctx);
      results.push(result(verdict.pass ? 'PASS' : 'FAIL', check, verdict.detail));
    }
  }
  return results;
}

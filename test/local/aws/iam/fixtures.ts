/** Shared set-up for the local IAM/STS tests: a fixed clock, deterministic randomness, synthetic requests. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { createAuthorizer } from '../../../../local/aws/iam/authorizer';
import { seedLocalAccounts } from '../../../../local/aws/iam/seed';
import { createIamService } from '../../../../local/aws/iam/service';
import { IamStore } from '../../../../local/aws/iam/store';
import { createStsService, type FetchJson } from '../../../../local/aws/sts/service';
import type { AwsRequest, AwsResponse, Caller } from '../../../../local/aws/types';

export const T0 = new Date('2025-03-01T12:00:00Z');

export function clock(start = T0) {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (seconds: number) => (t += seconds * 1000) };
}

/** Deterministic bytes: SHA-256 of a counter, as much as asked for. */
export function seededRandom(seed = 'test') {
  let n = 0;
  return (size: number) => {
    const out: Buffer[] = [];
    let len = 0;
    while (len < size) {
      const block = createHash('sha256').update(`${seed}:${n++}`).digest();
      out.push(block);
      len += block.length;
    }
    return Buffer.concat(out).subarray(0, size);
  };
}

let requestCounter = 0;

export function request(caller: Caller | null, params: Record<string, string>) {
  const form = new URLSearchParams(params);
  const req: AwsRequest = {
    requestId: `req-${++requestCounter}`,
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Readable.from([Buffer.from(form.toString())]),
    caller,
    region: 'us-east-1',
  };
  return { req, form };
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member' });

export interface Parsed {
  status: number;
  /** The `…Result` element, for a success. */
  result: Record<string, any>;
  error?: { Type: string; Code: string; Message: string };
  raw: string;
}

export function parse(res: AwsResponse): Parsed {
  const raw = String(res.body ?? '');
  const doc = parser.parse(raw) as Record<string, any>;
  if (doc.ErrorResponse) return { status: res.status, result: {}, error: doc.ErrorResponse.Error, raw };
  const [root] = Object.keys(doc).filter((k) => k.endsWith('Response'));
  const body = doc[root!] as Record<string, any>;
  const resultKey = Object.keys(body).find((k) => k.endsWith('Result'));
  return { status: res.status, result: resultKey ? body[resultKey] : {}, raw };
}

/** A whole local IAM+STS in memory, seeded like `npm start`. */
export function localAws(options: { fetchJson?: FetchJson; dataDir?: string } = {}) {
  const time = clock();
  const store = IamStore.open({ now: time.now, random: seededRandom(), dataDir: options.dataDir });
  const seeded = seedLocalAccounts(store);
  const authorize = createAuthorizer({ store, now: time.now });
  const iam = createIamService({ store, authorize, now: time.now });
  const sts = createStsService({
    store,
    authorize,
    now: time.now,
    fetchJson:
      options.fetchJson ??
      (async () => {
        throw new Error('no network in tests');
      }),
  });
  const callerOf = (accessKeyId: string) => {
    const record = store.lookup(accessKeyId);
    if (!record) throw new Error(`unknown key ${accessKeyId}`);
    return record.caller;
  };
  const admin = (i = 0) => callerOf(seeded.customers[i]!.accessKeyId);
  const callIam = async (caller: Caller | null, params: Record<string, string>) => {
    const { req, form } = request(caller, params);
    return parse(await iam.handle(req, form));
  };
  const callSts = async (caller: Caller | null, params: Record<string, string>) => {
    const { req, form } = request(caller, params);
    return parse(await sts.handle(req, form));
  };
  return { time, store, seeded, authorize, iam, sts, callerOf, admin, callIam, callSts };
}

export const doc = (value: unknown) => JSON.stringify(value);

export const trustPolicy = (principal: unknown, extra: Record<string, unknown> = {}, actions: string[] = ['sts:AssumeRole']) =>
  doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: actions, ...extra }] });

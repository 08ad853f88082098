/**
 * Fault injection for the local stack: one injector, consulted by the local AWS endpoint (after it knows the
 * service and the action, before the service handles the request) and by the dev OIDC issuer's JWKS route.
 * A fault is answered in the service's own words, as AWS answers it, so the SDKs' retry logic sees what it
 * would see on AWS: STS/IAM 400 Throttling (query XML), DynamoDB and KMS 400 ThrottlingException (JSON), S3 503
 * SlowDown (XML), JWKS 429. Tests use `stack.faults`; another process drives it over HTTP
 * (`POST /_local/faults` with a rule, `DELETE /_local/faults` to clear; see {@link faultsRoute}).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

export type FaultTarget = 'sts' | 'dynamodb' | 's3' | 'iam' | 'kms' | 'jwks';
export type Fault =
  | { kind: 'throttle' }
  | { kind: 'fail'; status?: 500 | 503 }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'down' }
  | { kind: 'reset-mid-body'; afterBytes: number }
  /** dynamodb only: the service handles the request (a write commits), then the connection is reset unanswered. */
  | { kind: 'lose-answer' };

export interface FaultRule {
  target: FaultTarget;
  fault: Fault;
  /** Only requests whose action matches: DynamoDB and KMS X-Amz-Target suffix (e.g. 'PutItem', 'Sign'),
   *  STS/IAM Action (e.g. 'AssumeRole'), S3: HTTP method (e.g. 'GET', 'PUT'). Absent: every request. */
  action?: string;
  /** How many matching requests it affects; absent: until removed. */
  times?: number;
}

interface LiveRule {
  id: string;
  rule: FaultRule;
  left: number;
}

export class FaultInjector {
  private rules: LiveRule[] = [];

  /** Adds a rule (checked first-added first); returns a function that removes it. */
  add(rule: FaultRule): () => void {
    return this.remover(this.addWithId(rule));
  }

  /** Like {@link add}, returning the rule's id (the HTTP route's answer). */
  addWithId(rule: FaultRule): string {
    const checked = faultRuleSchema.parse(rule) as FaultRule;
    const id = randomUUID();
    this.rules.push({ id, rule: checked, left: checked.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((live) => live.id !== id);
    return this.rules.length !== before;
  }

  clear(target?: FaultTarget): void {
    this.rules = target === undefined ? [] : this.rules.filter((live) => live.rule.target !== target);
  }

  /** The first live rule for this request, counting it down; undefined when none applies. */
  take(target: FaultTarget, action: string): Fault | undefined {
    const live = this.rules.find((r) => r.rule.target === target && (r.rule.action === undefined || r.rule.action === action));
    if (!live) return undefined;
    live.left -= 1;
    if (live.left <= 0) this.remove(live.id);
    return live.rule.fault;
  }

  private remover(id: string): () => void {
    return () => void this.remove(id);
  }
}

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('throttle') }),
  z.strictObject({ kind: z.literal('fail'), status: z.union([z.literal(500), z.literal(503)]).optional() }),
  z.strictObject({ kind: z.literal('slow'), delayMs: z.number().int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal('down') }),
  z.strictObject({ kind: z.literal('reset-mid-body'), afterBytes: z.number().int().min(0) }),
  z.strictObject({ kind: z.literal('lose-answer') }),
]);

const targetSchema = z.enum(['sts', 'dynamodb', 's3', 'iam', 'kms', 'jwks']);

export const faultRuleSchema = z
  .strictObject({
    target: targetSchema,
    fault: faultSchema,
    action: z.string().min(1).optional(),
    times: z.number().int().min(1).optional(),
  })
  .refine((rule) => rule.fault.kind !== 'reset-mid-body' || rule.target === 's3', { message: 'reset-mid-body applies to s3 only' })
  .refine((rule) => rule.fault.kind !== 'lose-answer' || rule.target === 'dynamodb', { message: 'lose-answer applies to dynamodb only' });

/** A fault's answer in the service's own words: status, error code and message (AWS's wording). */
export interface FaultAnswer {
  status: number;
  code: string;
  message: string;
}

/** The error answer for a `throttle` or `fail` fault, as the target service words it. */
export function faultAnswer(target: FaultTarget, fault: Extract<Fault, { kind: 'throttle' | 'fail' }>): FaultAnswer {
  if (fault.kind === 'throttle') {
    if (target === 's3') return { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
    if (target === 'dynamodb')
      return { status: 400, code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' };
    if (target === 'jwks') return { status: 429, code: 'TooManyRequests', message: 'Too many requests.' };
    if (target === 'kms')
      return {
        status: 400,
        code: 'ThrottlingException',
        message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
      };
    return { status: 400, code: 'Throttling', message: 'Rate exceeded' };
  }
  if (fault.status === 503) return { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' };
  if (target === 's3') return { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
  if (target === 'dynamodb') return { status: 500, code: 'InternalServerError', message: 'Internal server error' };
  if (target === 'kms') return { status: 500, code: 'KMSInternalException', message: 'An internal error occurred.' };
  return {
    status: 500,
    code: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The `/_local/faults` route of the local AWS endpoint (loopback only, like every `/_local/` route):
 * `POST` a {@link FaultRule} as JSON adds it and answers `{"id": "…"}`; `DELETE` clears every rule, or
 * only the one named by `?id=`, or only one target's with `?target=`.
 */
export function faultsRoute(faults: FaultInjector): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (!LOOPBACK.test(request.socket.remoteAddress ?? ''))
      return answer(response, 403, { message: 'Faults are injected from this machine only.' });
    const query = new URL(request.url ?? '/', 'http://local').searchParams;
    if (request.method === 'DELETE') {
      const id = query.get('id');
      const target = query.get('target');
      if (id) return answer(response, faults.remove(id) ? 200 : 404, { removed: id });
      const parsedTarget = target ? targetSchema.safeParse(target) : undefined;
      if (parsedTarget && !parsedTarget.success) return answer(response, 400, { message: `Unknown target: ${target}` });
      faults.clear(parsedTarget?.data);
      return answer(response, 200, { cleared: parsedTarget?.data ?? 'all' });
    }
    if (request.method !== 'POST') return answer(response, 405, { message: 'Use POST (add a rule) or DELETE (clear).' });
    readJson(request).then(
      (body) => {
        const parsed = faultRuleSchema.safeParse(body);
        if (!parsed.success) return answer(response, 400, { message: z.prettifyError(parsed.error) });
        answer(response, 200, { id: faults.addWithId(parsed.data as FaultRule) });
      },
      () => answer(response, 400, { message: 'The body must be one fault rule as JSON.' }),
    );
  };
}

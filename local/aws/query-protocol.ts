/**
 * The AWS Query protocol, shared by IAM and STS: form-encoded requests (`Action=…&Version=…&Tags.member.1.Key=…`)
 * and XML responses, `<XResponse><XResult>…</XResult><ResponseMetadata>…</ResponseMetadata></XResponse>`, or
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with AWS's HTTP status.
 */
import type { Readable } from 'node:stream';
import { escapeXml } from '../../shared/s3/xml-escape';
import { AwsError, type AwsRequest, type AwsResponse } from './types';

export interface QueryService {
  xmlns: string;
  version: string;
}

export const IAM_QUERY: QueryService = { xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/', version: '2010-05-08' };
export const STS_QUERY: QueryService = { xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/', version: '2011-06-15' };

/** One action: returns the inner XML of `<ActionResult>`, or undefined for actions whose result is empty. */
export type QueryHandler = (req: AwsRequest, form: URLSearchParams) => Promise<string | undefined> | string | undefined;

const MAX_BODY = 1024 * 1024;

async function readBody(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw new AwsError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request's parameters: the query string's, then the form body's (the body wins for a repeated name). */
export async function readQueryForm(req: AwsRequest, limit = MAX_BODY): Promise<URLSearchParams> {
  const form = new URLSearchParams(req.rawQuery);
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'GET' && (type === '' || type.startsWith('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(await readBody(req.body, limit))) form.set(k, v);
  }
  return form;
}

function memberIndices(form: URLSearchParams, prefix: string): number[] {
  const indices = new Set<number>();
  for (const key of form.keys()) {
    if (!key.startsWith(prefix)) continue;
    const m = /^(\d+)(?:\.|$)/.exec(key.slice(prefix.length));
    if (m) indices.add(Number(m[1]));
  }
  return [...indices].filter((i) => i >= 1).sort((a, b) => a - b);
}

/** `Name.member.1`, `Name.member.2`, … as a list. */
export function memberList(form: URLSearchParams, name: string): string[] {
  const prefix = `${name}.member.`;
  return memberIndices(form, prefix).map((i) => form.get(`${prefix}${i}`) ?? '');
}

/** `Name.member.1.Key`, `Name.member.1.Value`, … as a list of records (field names as given). */
export function memberStructs(form: URLSearchParams, name: string, fields: string[]): Record<string, string | undefined>[] {
  const prefix = `${name}.member.`;
  return memberIndices(form, prefix).map((i) => Object.fromEntries(fields.map((f) => [f, form.get(`${prefix}${i}.${f}`) ?? undefined])));
}

/** AWS's timestamp form: `2024-01-02T03:04:05Z`. */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type Scalar = string | number | boolean | Date | undefined | null;

/** `<name>value</name>`, escaped; nothing at all for undefined/null. */
export function xmlText(name: string, value: Scalar): string {
  if (value === undefined || value === null) return '';
  const text = value instanceof Date ? iso8601(value) : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>inner</name>` around XML already rendered. */
export function xmlElement(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** `<name><member>…</member>…</name>`, each member's inner XML already rendered. */
export function xmlMembers(name: string, members: string[]): string {
  return xmlElement(name, members.map((m) => xmlElement('member', m)).join(''));
}

const XML_HEADERS = (requestId: string) => ({ 'content-type': 'text/xml', 'x-amzn-requestid': requestId });

export function queryResponse(svc: QueryService, action: string, result: string | undefined, requestId: string): AwsResponse {
  const body =
    `<${action}Response xmlns="${svc.xmlns}">` +
    (result === undefined ? '' : xmlElement(`${action}Result`, result)) +
    xmlElement('ResponseMetadata', xmlText('RequestId', requestId)) +
    `</${action}Response>`;
  return { status: 200, headers: XML_HEADERS(requestId), body };
}

/** Renders an error; anything that is not an {@link AwsError} becomes a 500 without detail (and is logged). */
export function queryErrorResponse(svc: QueryService, error: unknown, requestId: string): AwsResponse {
  const e =
    error instanceof AwsError
      ? error
      : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
  if (!(error instanceof AwsError)) console.error('query service failure', error);
  const body =
    `<ErrorResponse xmlns="${svc.xmlns}">` +
    xmlElement(
      'Error',
      xmlText('Type', e.status >= 500 ? 'Receiver' : 'Sender') + xmlText('Code', e.code) + xmlText('Message', e.message),
    ) +
    xmlText('RequestId', requestId) +
    `</ErrorResponse>`;
  return { status: e.status, headers: XML_HEADERS(requestId), body };
}

/** Runs the handler named by `Action`; `InvalidAction` for one this service does not have. */
export async function dispatchQuery(
  svc: QueryService,
  req: AwsRequest,
  form: URLSearchParams,
  handlers: Record<string, QueryHandler>,
): Promise<AwsResponse> {
  const action = form.get('Action') ?? '';
  try {
    if (!action) throw new AwsError('MissingAction', 'Missing Action', 400);
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (!handler) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${svc.version}`, 400);
    return queryResponse(svc, action, await handler(req, form), req.requestId);
  } catch (error) {
    return queryErrorResponse(svc, error, req.requestId);
  }
}

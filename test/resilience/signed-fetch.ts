/**
 * Requests signed by @smithy/signature-v4 (the SDK's own signer) and sent with fetch, so a test can change them
 * after signing as an attacker holding them would: add headers, or sign for another service or region.
 */

import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Signing {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  service?: string;
}

export interface SignedCall {
  method?: string;
  /** Path-style, unencoded: `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** A presigned URL (UNSIGNED-PAYLOAD, hoisted into the query) instead of an Authorization header. */
  presign?: boolean;
  /** Leave x-amz-content-sha256 out of the signed request (other services do not send it). */
  noPayloadHash?: boolean;
}

const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The URL and headers of `call` signed for `endpoint`; `after` is added after signing. */
export async function signed(endpoint: string, signing: Signing, call: SignedCall): Promise<{ url: string; init: RequestInit }> {
  const { host, protocol } = new URL(endpoint);
  const body = call.body ?? '';
  const hash = call.presign ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex');
  const signer = new SignatureV4({
    credentials: signing.credentials,
    region: signing.region ?? 'us-east-1',
    service: signing.service ?? 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: call.method ?? 'GET',
    protocol,
    hostname: host,
    path: call.path.split('/').map(encode).join('/'),
    query: call.query ?? {},
    headers: { host, ...(call.noPayloadHash ? {} : { 'x-amz-content-sha256': hash }), ...(call.headers ?? {}) },
    ...(call.body === undefined ? {} : { body }),
  });
  const done = call.presign ? await signer.presign(request, { expiresIn: 300 }) : await signer.sign(request);
  const query = Object.entries(done.query ?? {})
    .map(([name, value]) => `${encode(name)}=${encode(String(value ?? ''))}`)
    .join('&');
  const headers = Object.fromEntries(Object.entries(done.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  return {
    url: `${endpoint}${done.path}${query ? `?${query}` : ''}`,
    init: { method: done.method, headers, ...(call.body === undefined ? {} : { body }) },
  };
}

/** Sends `call` signed, with `after` headers added once it is signed; the status and body text. */
export async function sendSigned(
  endpoint: string,
  signing: Signing,
  call: SignedCall,
  after: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const { url, init } = await signed(endpoint, signing, call);
  const response = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...after } });
  return { status: response.status, text: await response.text() };
}

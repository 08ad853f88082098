/**
 * Fetching an issuer's signing keys: `<iss>/.well-known/openid-configuration`, then its `jwks_uri`. Both must be
 * https, except for loopback hosts (a local issuer). Failures are `IDPCommunicationError`, as at AWS.
 */
import { AwsError } from '../types';
import type { FetchJson } from './sts-context';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

const communicationError = (detail: string) =>
  new AwsError(
    'IDPCommunicationError',
    `Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for ` +
      `requirements (${detail})`,
    400,
  );

function checkUrl(raw: unknown, what: string): string {
  if (typeof raw !== 'string') throw communicationError(`${what} is missing`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw communicationError(`${what} is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw communicationError(`${what} must be https: ${raw}`);
  }
  return raw;
}

/** The JWKS of `issuer` (already matched to a registered provider), through the injected fetcher. */
export async function fetchIssuerJwks(issuer: string, fetchJson: FetchJson): Promise<unknown> {
  const base = checkUrl(issuer, 'the issuer').replace(/\/+$/, '');
  let discovery: unknown;
  try {
    discovery = await fetchJson(`${base}/.well-known/openid-configuration`);
  } catch (e) {
    throw communicationError(`discovery document: ${(e as Error).message}`);
  }
  const doc = (discovery ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  // OpenID Connect Discovery 1.0 §4.3: the document's issuer MUST be present and identical to the issuer the token names.
  if (typeof doc.issuer !== 'string') throw communicationError('the discovery document names no issuer');
  if (doc.issuer.replace(/\/+$/, '') !== base) {
    throw communicationError(`the discovery document names issuer ${doc.issuer}, not ${issuer}`);
  }
  const jwksUri = checkUrl(doc.jwks_uri, 'jwks_uri');
  try {
    return await fetchJson(jwksUri);
  } catch (e) {
    throw communicationError(`JWKS: ${(e as Error).message}`);
  }
}

/** The real fetcher: GET with a 5 s timeout, no redirects, JSON body, 2xx only. */
export const defaultFetchJson: FetchJson = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return res.json();
};

/** IAM OpenID Connect provider actions: Create, Get, List, Delete, AddClientID. */
import { memberList, xmlMembers, xmlText } from '../query-protocol';
import { AwsError, type Caller } from '../types';
import { oidcProviderXml, tagsXml } from './iam-xml';
import { allow, type IamContext } from './service-context';
import { oidcProviderArn } from './store-oidc';
import { checkLength, checkPattern, parseTags, required, validationError } from './validation';

/** IAM's quota of client ids per OIDC provider. */
const MAX_CLIENT_IDS = 100;
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The provider URL: `https://host[/path]`, no query or fragment. Plain `http://` is accepted for loopback hosts
 * only, so a local issuer can be registered; AWS itself accepts https only.
 */
export function checkProviderUrl(raw: string): string {
  const url = checkLength(raw, 'url', 1, 255);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AwsError('ValidationError', `Invalid URL: ${url}`, 400);
  }
  const loopbackHttp = parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw new AwsError(
      'ValidationError',
      'The URL of the OpenID Connect provider must begin with https:// (http:// is accepted for loopback hosts only).',
      400,
    );
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new AwsError('ValidationError', `The URL ${url} must not contain a query, a fragment or credentials.`, 400);
  }
  return url.replace(/\/+$/, '');
}

function providerArnParam(form: URLSearchParams): string {
  return checkLength(required(form, 'OpenIDConnectProviderArn', 'openIDConnectProviderArn'), 'openIDConnectProviderArn', 20, 2048);
}

/** IAM only ever shows a caller its own account's providers. */
function requireOwnAccount(caller: Caller, arn: string): void {
  if (!arn.startsWith(`arn:aws:iam::${caller.accountId}:oidc-provider/`)) {
    throw new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404);
  }
}

export function createOpenIDConnectProvider(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const url = checkProviderUrl(required(form, 'Url', 'url'));
  const clientIds = memberList(form, 'ClientIDList');
  if (clientIds.length > MAX_CLIENT_IDS)
    throw validationError('clientIDList', `[${clientIds.length} client ids]`, 'have length less than or equal to 100');
  for (const c of clientIds) checkLength(c, 'clientIDList.member', 1, 255);
  const thumbprints = memberList(form, 'ThumbprintList');
  if (thumbprints.length > 5)
    throw validationError('thumbprintList', `[${thumbprints.length} thumbprints]`, 'have length less than or equal to 5');
  for (const t of thumbprints)
    checkPattern(checkLength(t, 'thumbprintList.member', 40, 40), 'thumbprintList.member', /^[0-9a-fA-F]{40}$/, '[0-9a-fA-F]{40}');
  const tags = parseTags(form, 'Tags', 'InvalidInput');
  const arn = oidcProviderArn(caller.accountId, url);
  allow(ctx, caller, 'iam:CreateOpenIDConnectProvider', arn, {
    ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
    ...(tags.length > 0 ? { 'aws:TagKeys': tags.map((t) => t.Key) } : {}),
  });
  const record = ctx.store.oidc.create(caller.accountId, { url, clientIds: [...new Set(clientIds)], thumbprints, tags });
  return xmlText('OpenIDConnectProviderArn', record.arn) + tagsXml(record.tags);
}

export function getOpenIDConnectProvider(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const arn = providerArnParam(form);
  allow(ctx, caller, 'iam:GetOpenIDConnectProvider', arn);
  requireOwnAccount(caller, arn);
  return oidcProviderXml(ctx.store.oidc.require(arn));
}

export function listOpenIDConnectProviders(ctx: IamContext, caller: Caller): string {
  allow(ctx, caller, 'iam:ListOpenIDConnectProviders', '*');
  const arns = ctx.store.oidc
    .list(caller.accountId)
    .map((p) => p.arn)
    .sort();
  return xmlMembers(
    'OpenIDConnectProviderList',
    arns.map((a) => xmlText('Arn', a)),
  );
}

export function deleteOpenIDConnectProvider(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const arn = providerArnParam(form);
  allow(ctx, caller, 'iam:DeleteOpenIDConnectProvider', arn);
  requireOwnAccount(caller, arn);
  ctx.store.oidc.delete(arn);
  return undefined;
}

/** Adds a client id to a provider's list; idempotent (an id already listed is no error), as IAM documents. */
export function addClientIDToOpenIDConnectProvider(ctx: IamContext, caller: Caller, form: URLSearchParams): undefined {
  const arn = providerArnParam(form);
  const clientId = checkLength(required(form, 'ClientID', 'clientID'), 'clientID', 1, 255);
  allow(ctx, caller, 'iam:AddClientIDToOpenIDConnectProvider', arn);
  requireOwnAccount(caller, arn);
  if (!ctx.store.oidc.addClientId(arn, clientId, MAX_CLIENT_IDS)) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`, 409);
  }
  return undefined;
}

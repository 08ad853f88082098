/**
 * STS AssumeRoleWithWebIdentity: no caller credentials needed (so never role chaining). The token must come from
 * an IAM OIDC provider of the role's account (`iss` = its URL), carry a valid signature from the issuer's JWKS,
 * be current (`exp`, `nbf`, `iat`) and name one of the provider's client ids in `aud`. Then the role's trust policy
 * must allow the provider (`Principal.Federated`) `sts:AssumeRoleWithWebIdentity`, with condition keys
 * `HOST/PATH:aud`, `HOST/PATH:sub`, `HOST/PATH:amr`. Session tags and the source identity come from the token's
 * `https://aws.amazon.com/tags` and `https://aws.amazon.com/source_identity` claims.
 */
import { baseContext } from '../iam/authorizer';
import { oidcProviderId } from '../iam/store-oidc';
import { parseRoleArn } from '../iam/store-roles';
import { checkLength, required } from '../iam/validation';
import { xmlText } from '../query-protocol';
import { AwsError, type ConditionContext } from '../types';
import { type DecodedJwt, decodeJwt, invalidToken, verifyJwtSignature } from './jwt';
import { fetchIssuerJwks } from './oidc-discovery';
import { checkPackedSize } from './packed-size';
import { checkSourceIdentity, durationParam, rejectPolicyArns, roleArnParam, sessionNameParam, sessionPolicyParam } from './session-params';
import { assumedRoleUserXml, credentialsXml, requestTagContext, type StsContext, trustPolicyAllows } from './sts-context';

const ACTION = 'sts:AssumeRoleWithWebIdentity';
const CLOCK_SKEW_SECONDS = 300;
const notAuthorized = () => new AwsError('AccessDenied', `Not authorized to perform ${ACTION}`, 403);

function checkTimes(payload: Record<string, unknown>, now: Date): void {
  const t = Math.floor(now.getTime() / 1000);
  const { exp, nbf, iat } = payload;
  if (typeof exp !== 'number') throw invalidToken('The token has no exp claim.');
  if (t >= exp) {
    throw new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${t} must be before the expiration date/time ${exp}`,
      400,
    );
  }
  if (typeof nbf === 'number' && t + CLOCK_SKEW_SECONDS < nbf) throw invalidToken(`The token is not valid before ${nbf} (now ${t}).`);
  if (typeof iat === 'number' && t + CLOCK_SKEW_SECONDS < iat)
    throw invalidToken(`The token was issued in the future (iat ${iat}, now ${t}).`);
}

function audience(payload: Record<string, unknown>, clientIds: string[]): string {
  const aud = payload.aud;
  const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  const match = list.find((a) => clientIds.includes(a));
  if (!match) throw invalidToken('Incorrect token audience');
  return match;
}

/** Session tags from the token: `{"https://aws.amazon.com/tags": {"principal_tags": {K: [V]}, "transitive_tag_keys": [K]}}`. */
function tokenTags(payload: Record<string, unknown>): { tags: Record<string, string>; transitive: string[] } {
  const claim = payload['https://aws.amazon.com/tags'] as { principal_tags?: unknown; transitive_tag_keys?: unknown } | undefined;
  if (claim === undefined) return { tags: {}, transitive: [] };
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries((claim.principal_tags ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value !== 'string' || k.length < 1 || k.length > 128 || value.length > 256) {
      throw invalidToken(`The token's session tag ${k} is not a valid tag.`);
    }
    tags[k] = value;
  }
  if (Object.keys(tags).length > 50) throw invalidToken('The token carries more than 50 session tags.');
  const transitive = Array.isArray(claim.transitive_tag_keys) ? claim.transitive_tag_keys.filter((k): k is string => k in tags) : [];
  return { tags, transitive };
}

async function verifiedToken(ctx: StsContext, token: string, accountId: string) {
  const jwt: DecodedJwt = decodeJwt(token);
  const iss = jwt.payload.iss;
  if (typeof iss !== 'string') throw invalidToken('The token has no iss claim.');
  const provider = ctx.store.oidc.findByIssuer(accountId, iss);
  if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${iss}`);
  verifyJwtSignature(jwt, await fetchIssuerJwks(provider.url, ctx.fetchJson));
  checkTimes(jwt.payload, ctx.now());
  const aud = audience(jwt.payload, provider.clientIds);
  if (typeof jwt.payload.sub !== 'string' || jwt.payload.sub === '') throw invalidToken('The token has no sub claim.');
  return { provider, payload: jwt.payload, sub: jwt.payload.sub, aud };
}

export async function assumeRoleWithWebIdentity(ctx: StsContext, form: URLSearchParams): Promise<string> {
  const roleArn = roleArnParam(form);
  const sessionName = sessionNameParam(form);
  const token = checkLength(required(form, 'WebIdentityToken', 'webIdentityToken'), 'webIdentityToken', 4, 20000);
  const duration = durationParam(form);
  const policy = sessionPolicyParam(form);
  rejectPolicyArns(form);
  if (form.get('ProviderId') !== null) {
    throw new AwsError(
      'ValidationError',
      'ProviderId is for OAuth 2.0 access tokens, which the local STS does not accept; send an OpenID Connect ID token.',
      400,
    );
  }
  const accountId = parseRoleArn(roleArn)?.accountId;
  if (!accountId) throw notAuthorized();
  const { provider, payload, sub, aud } = await verifiedToken(ctx, token, accountId);
  const { tags, transitive } = tokenTags(payload);
  const rawSourceIdentity = payload['https://aws.amazon.com/source_identity'];
  const sourceIdentity = typeof rawSourceIdentity === 'string' ? checkSourceIdentity(rawSourceIdentity) : undefined;

  const role = ctx.store.roles.findByArn(roleArn);
  if (!role) throw notAuthorized();
  const id = oidcProviderId(provider.url);
  const amr = payload.amr;
  const context: ConditionContext = {
    ...baseContext(ctx.now()),
    ...requestTagContext(tags),
    [`${id}:aud`]: aud,
    [`${id}:sub`]: sub,
    [`${id}:amr`]: Array.isArray(amr) ? amr.map(String) : typeof amr === 'string' ? amr : undefined,
    'aws:FederatedProvider': provider.arn,
    'sts:RoleSessionName': sessionName,
    'sts:SourceIdentity': sourceIdentity,
    'sts:TransitiveTagKeys': transitive.length > 0 ? transitive : undefined,
  };
  const who = { arns: [], uniqueIds: {}, federated: provider.arn };
  const actions = [
    ACTION,
    ...(Object.keys(tags).length > 0 ? ['sts:TagSession'] : []),
    ...(sourceIdentity ? ['sts:SetSourceIdentity'] : []),
  ];
  for (const action of actions) {
    if (trustPolicyAllows(role, who, action, context).effect !== 'Allow') throw notAuthorized();
  }
  const durationSeconds = duration ?? 3600;
  if (durationSeconds > role.maxSessionDuration) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  }
  const packedPolicySize = checkPackedSize(policy, tags);
  const session = ctx.store.sessions.create({
    role,
    sessionName,
    durationSeconds,
    sessionPolicy: policy,
    sourceIdentity,
    tags,
    transitiveTagKeys: transitive,
  });
  return (
    xmlText('SubjectFromWebIdentityToken', sub) +
    xmlText('Audience', aud) +
    assumedRoleUserXml(session) +
    credentialsXml(session) +
    xmlText('Provider', provider.arn) +
    xmlText('PackedPolicySize', packedPolicySize) +
    xmlText('SourceIdentity', sourceIdentity)
  );
}

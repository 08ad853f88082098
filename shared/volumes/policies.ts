/**
 * What a volume's owner attaches to their role: the trust policy (who may assume it), the permissions policy
 * (what it may do in the bucket), and the `aws iam …` commands that apply both, ready to paste.
 *
 * The S3 statement builders are exported for the session policies of credential vending, which narrow the
 * same role to one member's access.
 */
import { volumeSubject } from '../auth/gateway-issuer';
import { ValidationFailed } from '../errors';
import { GATEWAY_OIDC_MAX_SESSION_SECONDS } from './gateway-oidc';
import type { Volume } from './model';
import { type Partition, parseRoleArn, partitionOf } from './naming';
import { shellWord, singleQuoted } from './shell';

export interface OidcSettings {
  /** `https://…` (or `http://127.0.0.1:port` locally), as the tokens' `iss` says. */
  issuer: string;
  /**
   * Every audience the API accepts (all of `OIDC_AUDIENCE`, or every Cognito client id): the provider lists each as a
   * client id and the trust admits any, so a token the API accepted (the console's, the CLI's) is accepted by STS too.
   */
  audiences: string[];
  thumbprints: string[];
}

/** The gateway's own issuer: the one audience it mints its tokens for (`sts.amazonaws.com` by default). */
export interface GatewayIssuerOidc {
  issuer: string;
  audience: string;
  thumbprints: string[];
}

export interface SetupSettings {
  /** The principal our service runs as: what role volumes' trust policies name. */
  gatewayPrincipalArn: string;
  /** Our OpenID Connect issuer, as web-identity volumes' trust policies name it; absent when not offered. */
  oidc?: OidcSettings;
  /** The gateway's own issuer (the API's base URL), as gateway-oidc volumes' trust policies name it; absent when not offered. */
  gatewayIssuer?: GatewayIssuerOidc;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export interface Statement {
  Sid: string;
  Effect: 'Allow';
  Principal?: Record<string, string>;
  Action: string[];
  Resource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface VolumeSetup {
  trustPolicy: PolicyDocument;
  permissionsPolicy: PolicyDocument;
  /** Shell commands (aws cli v2) that apply the policies to the role, in order. */
  commands: string[];
}

export type SetupVolume = Pick<Volume, 'name' | 'bucket' | 'prefix' | 'region' | 'accessMode' | 'auth' | 'externalId' | 'ownerSubject'> &
  Partial<Pick<Volume, 'id'>>;

export const ROLE_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'];
export const GATEWAY_OIDC_TRUST_ACTIONS = ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity', 'sts:TagSession'];
export { GATEWAY_OIDC_MAX_SESSION_SECONDS };
export const READ_OBJECT_ACTIONS = ['s3:GetObject'];
export const WRITE_OBJECT_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
/**
 * Object tags, which sessions get beside the object actions while their policy fits (`shared/vending/session-policy.ts`):
 * the aws cli's copy and move above its multipart threshold read the source's tags and may write the target's.
 */
export const READ_TAGGING_ACTIONS = ['s3:GetObjectTagging'];
export const WRITE_TAGGING_ACTIONS = ['s3:PutObjectTagging', 's3:DeleteObjectTagging'];

export const bucketArn = (partition: Partition, bucket: string) => `arn:${partition}:s3:::${bucket}`;

/** The objects under a prefix root (`bucket/prefix/*`), or every object of the bucket when the prefix is `''`. */
export const objectsArn = (partition: Partition, bucket: string, prefix: string) =>
  `arn:${partition}:s3:::${bucket}/${prefix === '' ? '' : `${prefix}/`}*`;

/**
 * ListBucket confined to the prefix: the listing of `prefix/` itself and of anything below it. `prefix` alone is
 * not allowed, because listing it would show the names of sibling keys such as `prefix-other/…`.
 */
export function listBucketStatement(partition: Partition, bucket: string, prefix: string): Statement {
  return {
    Sid: 'ListVolumePrefix',
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [bucketArn(partition, bucket)],
    ...(prefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': [`${prefix}/`, `${prefix}/*`] } } }),
  };
}

export function permissionsPolicy(volume: Pick<Volume, 'bucket' | 'prefix' | 'region' | 'accessMode'>): PolicyDocument {
  const partition = partitionOf(volume.region);
  const writes = volume.accessMode === 'read-write';
  const objects = objectsArn(partition, volume.bucket, volume.prefix);
  return {
    Version: '2012-10-17',
    Statement: [
      listBucketStatement(partition, volume.bucket, volume.prefix),
      {
        Sid: 'VolumeBucket',
        Effect: 'Allow',
        Action: writes ? ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'] : ['s3:GetBucketLocation'],
        Resource: [bucketArn(partition, volume.bucket)],
      },
      { Sid: 'ReadVolumeObjects', Effect: 'Allow', Action: [...READ_OBJECT_ACTIONS, ...READ_TAGGING_ACTIONS], Resource: [objects] },
      ...(writes
        ? [
            {
              Sid: 'WriteVolumeObjects',
              Effect: 'Allow' as const,
              Action: [...WRITE_OBJECT_ACTIONS, ...WRITE_TAGGING_ACTIONS],
              Resource: [objects],
            },
          ]
        : []),
    ],
  };
}

/** `https://id.example.org/realms/x/` → `id.example.org/realms/x`: the provider's id in IAM ARNs and condition keys. */
export const oidcProviderId = (issuer: string) => issuer.replace(/^https?:\/\//i, '').replace(/\/+$/, '');

function roleTrustPolicy(volume: SetupVolume, settings: SetupSettings): PolicyDocument {
  if (!volume.externalId) throw new Error(`volume ${volume.name} is a role volume without an external id`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'VolumeGateway',
        Effect: 'Allow',
        Principal: { AWS: settings.gatewayPrincipalArn },
        Action: ROLE_TRUST_ACTIONS,
        Condition: { StringEquals: { 'sts:ExternalId': volume.externalId } },
      },
    ],
  };
}

/**
 * Our issuer and audience, as the Galaxy document's trust policy has them, plus the owner's `sub`: without it
 * every user of this deployment could call AssumeRoleWithWebIdentity on the role with their own token,
 * straight at STS, bypassing the volume's membership.
 */
function webIdentityTrustPolicy(volume: SetupVolume, oidc: OidcSettings, partition: Partition, accountId: string): PolicyDocument {
  const provider = oidcProviderId(oidc.issuer);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'VolumeGatewayWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${accountId}:oidc-provider/${provider}` },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: { StringEquals: { [`${provider}:aud`]: audienceValue(oidc.audiences), [`${provider}:sub`]: volume.ownerSubject } },
      },
    ],
  };
}

/**
 * Our own issuer, our audience and the volume's subject (`volume:<id>`): the gateway mints that token for this
 * volume only, so a token minted for another volume (or for another audience) is refused by STS.
 */
function gatewayOidcTrustPolicy(volumeId: string, oidc: GatewayIssuerOidc, partition: Partition, accountId: string): PolicyDocument {
  const provider = oidcProviderId(oidc.issuer);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'VolumeGatewayIssuer',
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn(partition, accountId, oidc.issuer) },
        Action: GATEWAY_OIDC_TRUST_ACTIONS,
        Condition: { StringEquals: { [`${provider}:aud`]: oidc.audience, [`${provider}:sub`]: volumeSubject(volumeId) } },
      },
    ],
  };
}

const oidcProviderArn = (partition: Partition, accountId: string, issuer: string) =>
  `arn:${partition}:iam::${accountId}:oidc-provider/${oidcProviderId(issuer)}`;

/** The gateway issuer's settings a gateway-oidc volume needs, or a ValidationFailed naming `auth.type`. */
export function requireGatewayIssuer(settings: SetupSettings): GatewayIssuerOidc {
  if (settings.gatewayIssuer) return settings.gatewayIssuer;
  throw new ValidationFailed(
    'auth.type: "gateway-oidc" is not offered by this deployment (it has no public issuer URL, GATEWAY_ISSUER_URL); use "role".',
    'auth.type',
  );
}

/**
 * One audience as the single string IAM's console writes (and earlier setups returned), several as a list: IAM's
 * `StringEquals` with a list of values matches any of them.
 */
const audienceValue = (audiences: string[]): string | string[] => (audiences.length === 1 ? audiences[0]! : audiences);

/**
 * Registers the issuer as an OIDC provider of the account, with these client ids, unless it already is: a re-run
 * of the setup (a second volume, the same volume again) must not fail on `EntityAlreadyExists`.
 */
function providerCommand(issuer: string, clientIds: string[], thumbprintList: string[], providerArn: string): string {
  const thumbprints = thumbprintList.length > 0 ? ` --thumbprint-list ${thumbprintList.map(shellWord).join(' ')}` : '';
  const ids = clientIds.map(shellWord).join(' ');
  return (
    `aws iam get-open-id-connect-provider --open-id-connect-provider-arn ${shellWord(providerArn)} >/dev/null 2>&1 || ` +
    `aws iam create-open-id-connect-provider --url ${shellWord(issuer)} --client-id-list ${ids}${thumbprints}`
  );
}

/**
 * Adds each client id to the provider: one registered before (an earlier volume, or before the deployment accepted
 * another audience, e.g. the web console's) lacks the newer ones, and STS refuses a token whose `aud` the provider
 * does not list. IAM's AddClientIDToOpenIDConnectProvider is idempotent: an id already listed is no error.
 */
const clientIdCommands = (clientIds: string[], providerArn: string): string[] =>
  clientIds.map(
    (id) =>
      `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${shellWord(providerArn)} ` +
      `--client-id ${shellWord(id)}`,
  );

/** The OIDC settings a web-identity volume needs, or a ValidationFailed naming `auth.type`. */
export function requireOidc(settings: SetupSettings): OidcSettings {
  if (settings.oidc) return settings.oidc;
  throw new ValidationFailed(
    'auth.type: "web-identity" is not offered by this deployment (it has no OpenID Connect issuer that AWS can trust); use "role".',
    'auth.type',
  );
}

export function setupFor(volume: SetupVolume, settings: SetupSettings): VolumeSetup {
  const parsed = parseRoleArn(volume.auth.roleArn);
  if ('problem' in parsed) throw new Error(`volume ${volume.name} has an invalid role ARN: ${parsed.problem}`);
  const { partition, accountId, name: roleName } = parsed.arn;
  const permissions = permissionsPolicy(volume);
  const commands: string[] = [];
  let trust: PolicyDocument;
  if (volume.auth.type === 'role') {
    trust = roleTrustPolicy(volume, settings);
  } else if (volume.auth.type === 'gateway-oidc') {
    const oidc = requireGatewayIssuer(settings);
    if (!volume.id) throw new Error(`volume ${volume.name} is a gateway-oidc volume without an id`);
    trust = gatewayOidcTrustPolicy(volume.id, oidc, partition, accountId);
    commands.push(providerCommand(oidc.issuer, [oidc.audience], oidc.thumbprints, oidcProviderArn(partition, accountId, oidc.issuer)));
  } else {
    const oidc = requireOidc(settings);
    trust = webIdentityTrustPolicy(volume, oidc, partition, accountId);
    const providerArn = oidcProviderArn(partition, accountId, oidc.issuer);
    commands.push(
      providerCommand(oidc.issuer, oidc.audiences, oidc.thumbprints, providerArn),
      ...clientIdCommands(oidc.audiences, providerArn),
    );
  }
  const role = shellWord(roleName);
  commands.push(`aws iam update-assume-role-policy --role-name ${role} --policy-document ${singleQuoted(JSON.stringify(trust))}`);
  commands.push(
    `aws iam put-role-policy --role-name ${role} --policy-name ${shellWord(policyName(volume.name))} --policy-document ` +
      `${singleQuoted(JSON.stringify(permissions))}`,
  );
  if (volume.auth.type === 'gateway-oidc') {
    commands.push(`aws iam update-role --role-name ${role} --max-session-duration ${GATEWAY_OIDC_MAX_SESSION_SECONDS}`);
  }
  return { trustPolicy: trust, permissionsPolicy: permissions, commands };
}

export const policyName = (volumeName: string) => `volume-gateway-${volumeName}`;

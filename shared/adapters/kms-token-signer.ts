/**
 * The {@link GatewayTokenSigner} on AWS KMS: the gateway's OIDC tokens are RS256 JWS signed by an RSA KMS key
 * (SIGN_VERIFY) whose private half never leaves KMS. KMS signs the SHA-256 digest of the JWS signing input
 * (`MessageType: DIGEST`, RSASSA_PKCS1_V1_5_SHA_256), so a token of any size costs one small Sign call.
 *
 * - `kid` is the key's RFC 7638 thumbprint: stable for a key, the same in every warm Lambda, and it names no
 *   account or key id. It needs the public key, which is read once per key and process (GetPublicKey) and kept:
 *   a KMS key's public key never changes.
 * - The JWKS publishes the current key, then the previous one when configured (rotation: tokens signed by the
 *   previous key keep verifying until they expire). A previous key that KMS no longer has, or has disabled, is
 *   left out (it can sign nothing any more); any other failure of either key is the JWKS's failure.
 * - KMS failures are `dependencyFailure`s: 503 `TokenSigningUnavailable` when KMS is throttling or down, 500
 *   `DependencyMisconfigured` when it refuses the service (a missing grant, a key of the wrong kind).
 */
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { awsSessionClaims, type GatewayJwk, type GatewayTokenClaims, type GatewayTokenSigner } from '../auth/gateway-token-signer';
import { dependencyFailure, errorCode } from './aws-errors';

export const MAX_GATEWAY_TOKEN_LIFETIME = 300;
const ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
const GONE = new Set(['NotFoundException', 'DisabledException', 'KMSInvalidStateException']);

export interface KmsTokenSignerOptions {
  client: Pick<KMSClient, 'send'>;
  /** The issuer URL (`iss`), without a trailing slash. */
  issuer: string;
  /** The current signing key: key id, key ARN, alias name or alias ARN. */
  signingKeyId: string;
  /** The key signed with before the last rotation, published until its tokens have expired. */
  previousSigningKeyId?: string;
  clock?: { now(): Date };
  /** A new unique `jti`; a random UUID by default. */
  tokenId?: () => string;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** RFC 7638: the SHA-256 of the JWK's required members, in lexicographic order, without white space. */
export function jwkThumbprint(jwk: { e: string; kty: string; n: string }): string {
  return base64url(
    createHash('sha256')
      .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
      .digest(),
  );
}

/** The JWK of a KMS public key (DER SubjectPublicKeyInfo), refusing any key that cannot sign RS256. */
export function rsaJwk(der: Uint8Array, keySpec: string | undefined): GatewayJwk {
  const jwk = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e || !keySpec?.startsWith('RSA_')) {
    throw new TypeError(`the gateway's signing key must be an RSA KMS key (SIGN_VERIFY), not ${keySpec ?? 'an unknown key spec'}`);
  }
  return { kty: 'RSA', kid: jwkThumbprint({ e: jwk.e, kty: 'RSA', n: jwk.n }), alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e };
}

export class KmsTokenSigner implements GatewayTokenSigner {
  readonly issuer: string;
  private readonly publicKeys = new Map<string, Promise<GatewayJwk>>();
  private readonly now: () => Date;
  private readonly tokenId: () => string;

  constructor(private readonly options: KmsTokenSignerOptions) {
    if (!options.signingKeyId) throw new TypeError('KmsTokenSigner: signingKeyId is empty');
    this.issuer = options.issuer.replace(/\/$/, '');
    this.now = () => (options.clock ?? { now: () => new Date() }).now();
    this.tokenId = options.tokenId ?? randomUUID;
  }

  async sign(claims: GatewayTokenClaims): Promise<string> {
    const lifetime = claims.lifetimeSeconds;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_GATEWAY_TOKEN_LIFETIME) {
      throw new RangeError(`lifetimeSeconds must be a whole number from 1 to ${MAX_GATEWAY_TOKEN_LIFETIME} (got ${lifetime})`);
    }
    if (!claims.sub || !claims.aud) throw new TypeError('sign: sub and aud are required');
    const { kid } = await this.publicKey(this.options.signingKeyId);
    const iat = Math.floor(this.now().getTime() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid };
    const payload = {
      iss: this.issuer,
      sub: claims.sub,
      aud: claims.aud,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      jti: this.tokenId(),
      ...awsSessionClaims(claims),
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const digest = createHash('sha256').update(signingInput).digest();
    const { Signature } = await this.kms('Signing a token', () =>
      this.options.client.send(
        new SignCommand({ KeyId: this.options.signingKeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: ALGORITHM }),
      ),
    );
    if (!Signature) throw dependencyFailure('KMS', 'TokenSigningUnavailable', new Error('KMS answered Sign without a signature'));
    return `${signingInput}.${base64url(Buffer.from(Signature))}`;
  }

  async jwks(): Promise<{ keys: GatewayJwk[] }> {
    const current = this.publicKey(this.options.signingKeyId);
    const previousId = this.options.previousSigningKeyId;
    const previous = previousId
      ? this.publicKey(previousId).catch((error: unknown) => {
          if (GONE.has(errorCode((error as { cause?: unknown }).cause))) return undefined;
          throw error;
        })
      : undefined;
    const keys = [await current, await previous].filter((key): key is GatewayJwk => key !== undefined);
    // The same key named twice (a rotation not yet made) is published once.
    return { keys: keys.filter((key, i) => keys.findIndex((other) => other.kid === key.kid) === i) };
  }

  /** The key's JWK, read once and kept; a failed read is forgotten, so the next call tries again. */
  private publicKey(keyId: string): Promise<GatewayJwk> {
    let pending = this.publicKeys.get(keyId);
    if (!pending) {
      pending = this.kms('Reading the signing key', () => this.options.client.send(new GetPublicKeyCommand({ KeyId: keyId }))).then(
        ({ PublicKey, KeySpec }) => {
          if (!PublicKey) throw new Error('KMS answered GetPublicKey without a public key');
          return rsaJwk(PublicKey, KeySpec);
        },
      );
      pending.catch(() => this.publicKeys.delete(keyId));
      this.publicKeys.set(keyId, pending);
    }
    return pending;
  }

  private async kms<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw dependencyFailure(`KMS (${what})`, 'TokenSigningUnavailable', error);
    }
  }
}

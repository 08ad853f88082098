/**
 * A {@link GatewayTokenSigner} over node:crypto, LOCAL ONLY: its RSA key lives in this process's memory. Unit tests
 * sign with it; the deployed gateway signs with its key in KMS (`shared/adapters/kms-token-signer.ts`), whose
 * private key never leaves KMS. Same tokens: RS256, header `kid`, `iss`/`iat`/`nbf`/`exp`/`jti` added, and AWS's
 * session claims ({@link awsSessionClaims}).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { awsSessionClaims, type GatewayJwk, type GatewayTokenSigner } from '../shared/auth/gateway-token-signer';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface CryptoTokenSigner extends GatewayTokenSigner {
  /** Swaps in a new current key, keeping the old one as previous in the JWKS (rotation). */
  rotate(): void;
}

export function createCryptoTokenSigner(options: { issuer: string; now?: () => Date; privateKeyPem?: string }): CryptoTokenSigner {
  const now = options.now ?? (() => new Date());
  const newKey = (): { kid: string; key: KeyObject } => ({
    kid: randomUUID(),
    key: options.privateKeyPem ? createPrivateKey(options.privateKeyPem) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  });
  let current = newKey();
  let previous: { kid: string; key: KeyObject } | undefined;
  const jwk = ({ kid, key }: { kid: string; key: KeyObject }): GatewayJwk => {
    const { n, e } = createPublicKey(key).export({ format: 'jwk' });
    return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: n!, e: e! };
  };
  return {
    issuer: options.issuer,
    async sign(claims) {
      if (claims.lifetimeSeconds < 1 || claims.lifetimeSeconds > 300) throw new RangeError('lifetimeSeconds must be 1 to 300');
      const iat = Math.floor(now().getTime() / 1000);
      const payload = {
        ...awsSessionClaims(claims),
        iss: options.issuer,
        sub: claims.sub,
        aud: claims.aud,
        iat,
        nbf: iat,
        exp: iat + claims.lifetimeSeconds,
        jti: randomUUID(),
      };
      const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: current.kid })}.${b64url(payload)}`;
      return `${input}.${sign('sha256', Buffer.from(input), current.key).toString('base64url')}`;
    },
    async jwks() {
      return { keys: [jwk(current), ...(previous ? [jwk(previous)] : [])] };
    },
    rotate() {
      previous = current;
      current = newKey();
    },
  };
}

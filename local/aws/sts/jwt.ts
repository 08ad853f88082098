/**
 * JSON Web Tokens as AssumeRoleWithWebIdentity checks them: compact JWS, signed RS256/384/512 or ES256/384/512
 * by a key of the issuer's JWKS (chosen by `kid`), never `none`.
 */
import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { AwsError } from '../types';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export const invalidToken = (message: string) => new AwsError('InvalidIdentityToken', message, 400);

const ALGORITHMS: Record<string, { hash: string; ec: boolean }> = {
  RS256: { hash: 'sha256', ec: false },
  RS384: { hash: 'sha384', ec: false },
  RS512: { hash: 'sha512', ec: false },
  ES256: { hash: 'sha256', ec: true },
  ES384: { hash: 'sha384', ec: true },
  ES512: { hash: 'sha512', ec: true },
};

function decodeJson(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS; nothing is trusted yet. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw invalidToken('The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
  }
  try {
    return {
      header: decodeJson(parts[0]!),
      payload: decodeJson(parts[1]!),
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    throw invalidToken('The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
  }
}

function selectKey(jwt: DecodedJwt, jwks: unknown): JsonWebKey {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new AwsError('IDPCommunicationError', 'The identity provider\'s JWKS has no "keys" array.', 400);
  const kid = jwt.header.kid;
  const usable = (keys as JsonWebKey[]).filter(
    (k) => (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === jwt.header.alg),
  );
  const candidates = typeof kid === 'string' ? usable.filter((k) => k.kid === kid) : usable;
  if (candidates.length !== 1) {
    throw invalidToken(
      typeof kid === 'string'
        ? `No key with kid ${kid} in the identity provider's JWKS.`
        : 'The token has no kid and the JWKS does not hold exactly one signing key.',
    );
  }
  return candidates[0]!;
}

/** Throws InvalidIdentityToken unless the token is signed by a key of `jwks` with a supported algorithm. */
export function verifyJwtSignature(jwt: DecodedJwt, jwks: unknown): void {
  const alg = typeof jwt.header.alg === 'string' ? ALGORITHMS[jwt.header.alg] : undefined;
  if (!alg) throw invalidToken(`Unsupported token signing algorithm: ${String(jwt.header.alg)}`);
  const jwk = selectKey(jwt, jwks);
  let ok = false;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const data = Buffer.from(jwt.signingInput, 'utf8');
    ok = verify(alg.hash, data, alg.ec ? { key, dsaEncoding: 'ieee-p1363' } : key, jwt.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw invalidToken("The token signature could not be verified with the identity provider's keys.");
}

/**
 * Signing for the local development issuer: one RSA key pair, persisted under the local data dir so
 * tokens survive a restart of `npm start`, and compact RS256 JWTs signed with it. Development only:
 * nothing here is loaded by a Lambda.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The public half of the signing key, as the issuer publishes it in its JWKS. */
export interface PublicSigningJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: stable for as long as the key file is. */
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicSigningJwk;
}

/**
 * The private half as a JWK (kid, alg and use named), for a signer that takes keys in that form: the dev issuer's
 * OpenID provider signs its ID tokens with it, so one JWKS verifies those and `npm run token`'s alike.
 */
export function privateSigningJwk(key: SigningKey): JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' } {
  return { ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' };
}

/** Where {@link loadOrCreateSigningKey} keeps the key pair, relative to the local data dir. */
export const signingKeyPath = (dataDir: string): string => join(dataDir, 'oidc', 'signing-key.json');

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function thumbprint(jwk: JsonWebKey): string {
  // RFC 7638: the required members, in lexicographic order, no whitespace.
  return b64url(
    createHash('sha256')
      .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
      .digest(),
  );
}

function fromPrivateJwk(privateJwk: JsonWebKey, file: string): SigningKey {
  if (privateJwk.kty !== 'RSA' || typeof privateJwk.d !== 'string') {
    throw new Error(`${file} does not hold an RSA private key; delete it to have a new one made`);
  }
  const privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const publicPart = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = thumbprint(publicPart);
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: String(publicPart.n), e: String(publicPart.e), kid, alg: 'RS256', use: 'sig' } };
}

async function readKeyFile(file: string): Promise<SigningKey> {
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) await chmod(file, 0o600); // a private key is for its owner's eyes only
  let parsed: { privateJwk?: JsonWebKey };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as { privateJwk?: JsonWebKey };
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); delete it to have a new one made`);
  }
  return fromPrivateJwk(parsed.privateJwk ?? {}, file);
}

/**
 * The signing key kept in `<dataDir>/oidc/signing-key.json` (mode 0600), made on first use. Two
 * processes starting at once (the issuer and the token CLI) end up with the same key: the file is
 * written aside and linked into place, so it appears whole or not at all and is never overwritten.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  try {
    return await readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(join(dataDir, 'oidc'), { recursive: true, mode: 0o700 });
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const draft = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(draft, `${JSON.stringify({ alg: 'RS256', privateJwk: privateKey.export({ format: 'jwk' }) }, null, 2)}\n`, {
    mode: 0o600,
  });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process won the race: use its key
  } finally {
    await unlink(draft);
  }
  return readKeyFile(file);
}

export interface SignTokenInput {
  privateKey: KeyObject;
  kid: string;
  issuer: string;
  audience: string | string[];
  sub: string;
  email?: string;
  groups?: string[];
  /** Authentication methods, e.g. `["pwd", "mfa"]`. */
  amr?: string[];
  ttlSeconds?: number;
  /** Issue time: `iat` and `nbf`; `exp` is `ttlSeconds` later. */
  now: Date;
  /** Merged last, so they can override a standard claim, or drop it by setting it to `undefined`. */
  extraClaims?: Record<string, unknown>;
  /** `jti`; a random UUID unless given. */
  jti?: string;
}

/** A compact RS256 JWT with iss, aud, sub, iat, nbf, exp, jti and whichever optional claims are given. */
export function signToken(input: SignTokenInput): string {
  const { ttlSeconds = 3600 } = input;
  if (!input.sub) throw new TypeError('sub must be a non-empty string');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError(`ttlSeconds must be a positive whole number (got ${ttlSeconds})`);
  if (Number.isNaN(input.now.getTime())) throw new RangeError('now is not a valid date');
  const iat = Math.floor(input.now.getTime() / 1000);
  const payload = {
    iss: input.issuer,
    aud: input.audience,
    sub: input.sub,
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
    jti: input.jti ?? randomUUID(),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.groups !== undefined ? { groups: input.groups } : {}),
    ...(input.amr !== undefined ? { amr: input.amr } : {}),
    ...input.extraClaims,
  };
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: input.kid }))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), input.privateKey))}`;
}

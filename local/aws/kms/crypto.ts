/**
 * What the local KMS does with a key's material: RSA signatures (PKCS #1 v1.5 and PSS over SHA-2, of a raw message
 * or of a digest the caller computed) and HMAC-SHA-256, as AWS KMS computes them, so a signature made here verifies
 * with any RSA library against the key's public key.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { AwsError } from '../types';

export const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
] as const;
export const MAC_ALGORITHMS = ['HMAC_SHA_256'] as const;

const HASHES: Record<string, { name: string; bytes: number; digestInfo: string }> = {
  '256': { name: 'sha256', bytes: 32, digestInfo: '3031300d060960864801650304020105000420' },
  '384': { name: 'sha384', bytes: 48, digestInfo: '3041300d060960864801650304020205000430' },
  '512': { name: 'sha512', bytes: 64, digestInfo: '3051300d060960864801650304020305000440' },
};

const privateKeys = new Map<string, KeyObject>();

function privateKeyOf(pem: string): KeyObject {
  let key = privateKeys.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    privateKeys.set(pem, key);
  }
  return key;
}

/** The public half as DER SubjectPublicKeyInfo, what GetPublicKey answers. */
export function publicKeyDer(pem: string): Buffer {
  return createPublicKey(privateKeyOf(pem)).export({ type: 'spki', format: 'der' });
}

function parts(algorithm: string): { pss: boolean; hash: (typeof HASHES)[string] } {
  const hash = HASHES[algorithm.slice(-3)]!;
  return { pss: algorithm.startsWith('RSASSA_PSS'), hash };
}

function checkDigest(algorithm: string, message: Buffer, hashBytes: number): void {
  if (message.length !== hashBytes) throw new AwsError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
}

export function rsaSign(pem: string, algorithm: string, message: Buffer, digest: boolean): Buffer {
  const key = privateKeyOf(pem);
  const { pss, hash } = parts(algorithm);
  if (!digest) {
    const options = pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash.bytes } : { key };
    return sign(hash.name, message, options);
  }
  checkDigest(algorithm, message, hash.bytes);
  if (pss) throw new AwsError('UnsupportedOperationException', 'The local KMS signs digests with RSASSA_PKCS1_V1_5 algorithms only.');
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(hash.digestInfo, 'hex'), message]));
}

export function rsaVerify(pem: string, algorithm: string, message: Buffer, digest: boolean, signature: Buffer): boolean {
  const key = createPublicKey(privateKeyOf(pem));
  const { pss, hash } = parts(algorithm);
  if (!digest) {
    const options = pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash.bytes } : { key };
    return verify(hash.name, message, options, signature);
  }
  checkDigest(algorithm, message, hash.bytes);
  if (pss) throw new AwsError('UnsupportedOperationException', 'The local KMS verifies digests with RSASSA_PKCS1_V1_5 algorithms only.');
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = Buffer.concat([Buffer.from(hash.digestInfo, 'hex'), message]);
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

export function hmac(secretBase64: string, message: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(message).digest();
}

export function macEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The local KMS's operations, with AWS's inputs, outputs and error codes: CreateKey (RSA_2048/3072/4096 for
 * SIGN_VERIFY, HMAC_256 for GENERATE_VERIFY_MAC), DescribeKey, GetPublicKey, Sign, Verify, GenerateMac,
 * VerifyMac, ListKeys, CreateAlias and ListAliases. Each authorizes itself through {@link KmsCall}.
 */
import type { Caller, ConditionContext } from '../types';
import { AwsError } from '../types';
import { hmac, MAC_ALGORITHMS, macEqual, publicKeyDer, rsaSign, rsaVerify, SIGNING_ALGORITHMS } from './crypto';
import { type KeySpec, type KeyUsage, type KmsKey, type KmsStore, type KmsTag, RSA_SPECS } from './store';

/** What an operation is given: its input, the caller, and the checks it asks for. */
export interface KmsCall {
  input: Record<string, unknown>;
  caller: Caller;
  region: string;
  store: KmsStore;
  now: Date;
  /** The key a `KeyId` (id, key ARN, alias name or alias ARN) names in the caller's account, authorized for the operation. */
  key(field: string, context?: ConditionContext): KmsKey;
  /** Authorizes the operation on a resource (an ARN, or `*`). */
  authorize(resource: string, context?: ConditionContext): void;
}

type Output = Record<string, unknown>;

const validation = (message: string) => new AwsError('ValidationException', `1 validation error detected: ${message}`);
const camel = (field: string) => `${field.charAt(0).toLowerCase()}${field.slice(1)}`;

function optionalString(input: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw validation(`Value at '${camel(field)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, values: readonly T[], fallback?: T): T {
  const value = input[field] ?? fallback;
  if (value === undefined) throw validation(`Value null at '${camel(field)}' failed to satisfy constraint: Member must not be null`);
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw validation(
      `Value '${String(value).slice(0, 64)}' at '${camel(field)}' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${values.join(', ')}]`,
    );
  }
  return value as T;
}

function blob(input: Record<string, unknown>, field: string, max: number): Buffer {
  const value = input[field];
  if (value === undefined || value === null)
    throw validation(`Value null at '${camel(field)}' failed to satisfy constraint: Member must not be null`);
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new AwsError('SerializationException', `${field} is not a base64-encoded blob.`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1 || bytes.length > max) {
    throw validation(`Value at '${camel(field)}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
  return bytes;
}

function tags(input: Record<string, unknown>): KmsTag[] {
  const value = input.Tags ?? [];
  if (!Array.isArray(value) || value.length > 50) throw new AwsError('TagException', 'Tags must be a list of at most 50 tags.');
  const seen = new Set<string>();
  return value.map((tag: { TagKey?: unknown; TagValue?: unknown }) => {
    const { TagKey, TagValue } = tag ?? {};
    if (typeof TagKey !== 'string' || TagKey.length < 1 || TagKey.length > 128 || typeof TagValue !== 'string' || TagValue.length > 256) {
      throw new AwsError('TagException', 'Each tag needs a TagKey of 1 to 128 characters and a TagValue of at most 256.');
    }
    if (seen.has(TagKey)) throw new AwsError('TagException', `Duplicate tag key: ${TagKey}`);
    seen.add(TagKey);
    return { TagKey, TagValue };
  });
}

function metadata(key: KmsKey): Output {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    Enabled: true,
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: [...SIGNING_ALGORITHMS] } : { MacAlgorithms: [...MAC_ALGORITHMS] }),
    MultiRegion: false,
  };
}

function requireUsage(key: KmsKey, usage: KeyUsage, operation: string): void {
  if (key.keyUsage !== usage) {
    throw new AwsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
}

function page<T>(
  items: T[],
  input: Record<string, unknown>,
  id: (item: T) => string,
): { items: T[]; Truncated: boolean; NextMarker?: string } {
  const limit = input.Limit ?? 100;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw validation(`Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000`);
  }
  let start = 0;
  if (input.Marker !== undefined) {
    start = typeof input.Marker === 'string' ? items.findIndex((item) => id(item) === input.Marker) : -1;
    if (start < 0) throw new AwsError('InvalidMarkerException', 'Could not find marker.');
  }
  const slice = items.slice(start, start + limit);
  const next = items[start + limit];
  return next ? { items: slice, Truncated: true, NextMarker: id(next) } : { items: slice, Truncated: false };
}

const KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'HMAC_256', 'SYMMETRIC_DEFAULT'] as const;
const KEY_USAGES = ['SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'ENCRYPT_DECRYPT'] as const;
const MESSAGE_TYPES = ['RAW', 'DIGEST'] as const;
const MAX_MESSAGE = 4096;

export const operations = {
  CreateKey(call: KmsCall): Output {
    call.authorize('*');
    const { input } = call;
    const spec = oneOf(input, input.KeySpec === undefined ? 'CustomerMasterKeySpec' : 'KeySpec', KEY_SPECS, 'SYMMETRIC_DEFAULT');
    const usage = oneOf(input, 'KeyUsage', KEY_USAGES, spec === 'HMAC_256' ? undefined : 'ENCRYPT_DECRYPT');
    if (spec === 'SYMMETRIC_DEFAULT' || usage === 'ENCRYPT_DECRYPT') {
      throw new AwsError(
        'UnsupportedOperationException',
        'The local KMS makes signing keys (RSA_2048/3072/4096, SIGN_VERIFY) and MAC keys (HMAC_256, GENERATE_VERIFY_MAC) only.',
      );
    }
    const wanted: KeyUsage = RSA_SPECS[spec] ? 'SIGN_VERIFY' : 'GENERATE_VERIFY_MAC';
    if (usage !== wanted) throw new AwsError('ValidationException', `KeySpec ${spec} is not valid for KeyUsage ${usage}; use ${wanted}.`);
    const key = call.store.create({
      accountId: call.caller.accountId,
      region: call.region,
      keySpec: spec as KeySpec,
      keyUsage: usage,
      description: optionalString(input, 'Description', 8192) ?? '',
      tags: tags(input),
      now: call.now,
    });
    return { KeyMetadata: metadata(key) };
  },

  DescribeKey: (call: KmsCall): Output => ({ KeyMetadata: metadata(call.key('KeyId')) }),

  GetPublicKey(call: KmsCall): Output {
    const key = call.key('KeyId');
    if (key.keyUsage !== 'SIGN_VERIFY')
      throw new AwsError('UnsupportedOperationException', `${key.arn} key usage is ${key.keyUsage}: it has no public key.`);
    return {
      KeyId: key.arn,
      PublicKey: publicKeyDer(key.material).toString('base64'),
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      SigningAlgorithms: [...SIGNING_ALGORITHMS],
    };
  },

  Sign(call: KmsCall): Output {
    const algorithm = oneOf(call.input, 'SigningAlgorithm', SIGNING_ALGORITHMS);
    const messageType = oneOf(call.input, 'MessageType', MESSAGE_TYPES, 'RAW');
    const key = call.key('KeyId', { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': messageType });
    requireUsage(key, 'SIGN_VERIFY', 'Sign');
    const message = blob(call.input, 'Message', MAX_MESSAGE);
    const signature = rsaSign(key.material, algorithm, message, messageType === 'DIGEST');
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
  },

  Verify(call: KmsCall): Output {
    const algorithm = oneOf(call.input, 'SigningAlgorithm', SIGNING_ALGORITHMS);
    const messageType = oneOf(call.input, 'MessageType', MESSAGE_TYPES, 'RAW');
    const key = call.key('KeyId', { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': messageType });
    requireUsage(key, 'SIGN_VERIFY', 'Verify');
    const message = blob(call.input, 'Message', MAX_MESSAGE);
    const signature = blob(call.input, 'Signature', 6144);
    if (!rsaVerify(key.material, algorithm, message, messageType === 'DIGEST', signature)) {
      throw new AwsError('KMSInvalidSignatureException', 'The signature is not valid for this message, key and signing algorithm.');
    }
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
  },

  GenerateMac(call: KmsCall): Output {
    const algorithm = oneOf(call.input, 'MacAlgorithm', MAC_ALGORITHMS);
    const key = call.key('KeyId', { 'kms:MacAlgorithm': algorithm });
    requireUsage(key, 'GENERATE_VERIFY_MAC', 'GenerateMac');
    const mac = hmac(key.material, blob(call.input, 'Message', MAX_MESSAGE));
    return { KeyId: key.arn, Mac: mac.toString('base64'), MacAlgorithm: algorithm };
  },

  VerifyMac(call: KmsCall): Output {
    const algorithm = oneOf(call.input, 'MacAlgorithm', MAC_ALGORITHMS);
    const key = call.key('KeyId', { 'kms:MacAlgorithm': algorithm });
    requireUsage(key, 'GENERATE_VERIFY_MAC', 'VerifyMac');
    const mac = blob(call.input, 'Mac', 6144);
    if (!macEqual(hmac(key.material, blob(call.input, 'Message', MAX_MESSAGE)), mac)) {
      throw new AwsError('KMSInvalidMacException', 'The MAC is not valid for this message, key and MAC algorithm.');
    }
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
  },

  ListKeys(call: KmsCall): Output {
    call.authorize('*');
    const { items, ...rest } = page(call.store.keysOf(call.caller.accountId, call.region), call.input, (k) => k.keyId);
    return { Keys: items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), ...rest };
  },

  CreateAlias(call: KmsCall): Output {
    const name = optionalString(call.input, 'AliasName', 256);
    if (!name || !/^alias\/[a-zA-Z0-9/_-]+$/.test(name) || name.startsWith('alias/aws/')) {
      throw new AwsError('ValidationException', `Alias must start with the prefix "alias/" and name no AWS managed key: ${String(name)}`);
    }
    const target = optionalString(call.input, 'TargetKeyId', 2048);
    if (!target || target.includes('alias/')) throw new AwsError('ValidationException', 'TargetKeyId must be a key id or key ARN.');
    const aliasArn = `arn:aws:kms:${call.region}:${call.caller.accountId}:${name}`;
    call.authorize(aliasArn);
    const key = call.key('TargetKeyId');
    const created = call.store.createAlias({
      aliasName: name,
      aliasArn,
      targetKeyId: key.keyId,
      accountId: key.accountId,
      region: key.region,
      creationDate: call.now.getTime() / 1000,
    });
    if (!created) throw new AwsError('AlreadyExistsException', `An alias with the name ${aliasArn} already exists`);
    return {};
  },

  ListAliases(call: KmsCall): Output {
    call.authorize('*');
    const keyId = call.input.KeyId === undefined ? undefined : call.key('KeyId').keyId;
    const aliases = call.store.aliasesOf(call.caller.accountId, call.region).filter((a) => !keyId || a.targetKeyId === keyId);
    const { items, ...rest } = page(aliases, call.input, (a) => a.aliasName);
    return {
      Aliases: items.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: a.aliasArn,
        TargetKeyId: a.targetKeyId,
        CreationDate: a.creationDate,
        LastUpdatedDate: a.creationDate,
      })),
      ...rest,
    };
  },
} satisfies Record<string, (call: KmsCall) => Output>;

export type KmsOperation = keyof typeof operations;

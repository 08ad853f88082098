/**
 * The local KMS's keys and aliases, per account and region, kept in `<dataDir>/keys.json` (mode 0600): the
 * private keys and HMAC secrets stay in this file and in this process, never in an answer, as at AWS.
 * A store without a directory keeps them in memory (unit tests).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type KeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'HMAC_256';
export type KeyUsage = 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';

export interface KmsTag {
  TagKey: string;
  TagValue: string;
}

export interface KmsKey {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  description: string;
  tags: KmsTag[];
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  creationDate: number;
  /** RSA keys: PKCS#8 PEM. HMAC keys: the secret, base64. Never leaves the store except to sign or MAC. */
  material: string;
}

export interface KmsAlias {
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  accountId: string;
  region: string;
  creationDate: number;
}

interface Saved {
  keys: KmsKey[];
  aliases: KmsAlias[];
}

export const RSA_SPECS: Record<string, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

function material(keySpec: KeySpec): string {
  const bits = RSA_SPECS[keySpec];
  if (!bits) return randomBytes(32).toString('base64');
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return privateKey;
}

export class KmsStore {
  private readonly keys = new Map<string, KmsKey>();
  private readonly aliases = new Map<string, KmsAlias>();

  private constructor(private readonly file: string | undefined) {}

  static open(options: { dataDir?: string }): KmsStore {
    if (!options.dataDir) return new KmsStore(undefined);
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const store = new KmsStore(join(options.dataDir, 'keys.json'));
    if (existsSync(store.file!)) {
      const saved = JSON.parse(readFileSync(store.file!, 'utf8')) as Saved;
      for (const key of saved.keys) store.keys.set(key.arn, key);
      for (const alias of saved.aliases) store.aliases.set(alias.aliasArn, alias);
    }
    return store;
  }

  create(input: {
    /** Random when absent; the local deployment fixes it (`localKmsKeyId`). */
    keyId?: string;
    accountId: string;
    region: string;
    keySpec: KeySpec;
    keyUsage: KeyUsage;
    description?: string;
    tags?: KmsTag[];
    now: Date;
  }): KmsKey {
    const keyId = input.keyId ?? randomUUID();
    const key: KmsKey = {
      keyId,
      arn: `arn:aws:kms:${input.region}:${input.accountId}:key/${keyId}`,
      accountId: input.accountId,
      region: input.region,
      keySpec: input.keySpec,
      keyUsage: input.keyUsage,
      description: input.description ?? '',
      tags: input.tags ?? [],
      creationDate: input.now.getTime() / 1000,
      material: material(input.keySpec),
    };
    this.keys.set(key.arn, key);
    this.save();
    return key;
  }

  key(arn: string): KmsKey | undefined {
    return this.keys.get(arn);
  }

  /** The account's keys in one region, oldest first (ListKeys' order is stable across pages). */
  keysOf(accountId: string, region: string): KmsKey[] {
    return [...this.keys.values()].filter((k) => k.accountId === accountId && k.region === region);
  }

  alias(aliasArn: string): KmsAlias | undefined {
    return this.aliases.get(aliasArn);
  }

  aliasesOf(accountId: string, region: string): KmsAlias[] {
    return [...this.aliases.values()].filter((a) => a.accountId === accountId && a.region === region);
  }

  /** False when the alias exists already. */
  createAlias(alias: KmsAlias): boolean {
    if (this.aliases.has(alias.aliasArn)) return false;
    this.aliases.set(alias.aliasArn, alias);
    this.save();
    return true;
  }

  private save(): void {
    if (!this.file) return;
    const saved: Saved = { keys: [...this.keys.values()], aliases: [...this.aliases.values()] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}

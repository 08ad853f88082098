/**
 * What the S3 proxy needs to know about gateway access keys: the long-lived keys users give S3 clients
 * (a Nextflow run of two days outlives any JWT). The proxy verifies the client's SigV4 signature with
 * the key's secret, which is derived on demand and never stored in plain text (`shared/access-keys/`).
 */
export interface GatewayKey {
  accessKeyId: string;
  /** The secret the client signs with; derived, never stored. Never logged. */
  secretAccessKey: string;
  /** Whose key it is: the proxy acts as this subject. */
  subject: string;
  /** The volume ids this key is limited to; absent = every volume the subject is a member of. */
  volumeIds?: string[];
  /** The key's grants inside its volumes (prefix, access); absent = each of `volumeIds` (or every volume) whole. */
  scopes?: Array<{ volumeId: string; prefix?: string; access?: 'read' | 'write' }>;
  expiresAt: Date;
  /** When the store was read for it (cached resolutions): a key resolved before a volume's revocation is read again. */
  resolvedAt?: Date;
  /** The `amr` of the token that created the key, so `requireMfa` volumes can be honoured. */
  authMethods: string[];
}

export interface ResolveOptions {
  /** Epoch ms: a cached resolution read from the store before it is not served; the store is read again. */
  notBefore?: number;
}

export interface AccessKeyResolver {
  /**
   * The key, or undefined if it does not exist, was revoked or has expired. Implementations may cache,
   * but a revoked key must stop resolving within a minute.
   */
  resolve(accessKeyId: string, options?: ResolveOptions): Promise<GatewayKey | undefined>;
}

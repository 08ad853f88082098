/**
 * The proxy's own configuration (besides the service's, `shared/config.ts`), read and checked: where S3 requests
 * go and where clients reach the proxy's fronts. See `proxy.ts` for the variables; the Nextflow-config route reads
 * it too, without the proxy's wiring.
 */
import { ConfigError } from '../config';

export interface ProxyConfig {
  /** Where S3 requests go instead of S3's regional endpoint. */
  s3Endpoint?: string;
  /** Where clients reach the proxy, without a trailing `/`. */
  publicUrl?: string;
  /** Where clients reach the proxy's Node front, without a trailing `/`. */
  nodePublicUrl?: string;
}

type Env = Record<string, string | undefined>;

function url(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new ConfigError(name, `is not a URL (got "${trimmed}")`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(name, `must be an http(s) URL (got "${trimmed}")`);
  return trimmed.replace(/\/+$/, '');
}

export function loadProxyConfig(env: Env = process.env): Readonly<ProxyConfig> {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3?.trim()
    ? url('AWS_ENDPOINT_URL_S3', env.AWS_ENDPOINT_URL_S3)
    : url('AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL);
  const publicUrl = url('PROXY_PUBLIC_URL', env.PROXY_PUBLIC_URL);
  const nodePublicUrl = url('NODE_PROXY_PUBLIC_URL', env.NODE_PROXY_PUBLIC_URL);
  return Object.freeze({
    ...(s3Endpoint ? { s3Endpoint } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(nodePublicUrl ? { nodePublicUrl } : {}),
  });
}

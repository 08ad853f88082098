/**
 * The gateway issuer's settings from the environment: `GATEWAY_ISSUER_URL` (the API's public base URL; https, or
 * http on a loopback host for the local stack), `GATEWAY_TOKEN_AUDIENCE` (default `sts.amazonaws.com`) and
 * `GATEWAY_ISSUER_THUMBPRINTS` (for the setup's commands; AWS ignores them for certificates of trusted CAs). Unset
 * issuer: the deployment does not offer `gateway-oidc` volumes. Read by the discovery functions (which read nothing
 * else) and by the wiring of the routes that mint tokens.
 */
import { ConfigError } from '../config';
import { DEFAULT_GATEWAY_AUDIENCE, type GatewayIssuerSettings } from './gateway-issuer';

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function issuerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('GATEWAY_ISSUER_URL', `is not a URL (got "${value}")`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('GATEWAY_ISSUER_URL', `must be an https URL (http only on a loopback host) (got "${value}")`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('GATEWAY_ISSUER_URL', `must have no query, fragment or credentials (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

export interface GatewayIssuerConfig extends GatewayIssuerSettings {
  /** Thumbprints the setup's create-open-id-connect-provider names (aws cli v2 before 2.17 requires one); may be empty. */
  thumbprints: string[];
}

function thumbprints(value: string | undefined): string[] {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = items.find((item) => !/^[0-9a-fA-F]{40}$/.test(item));
  if (bad !== undefined) {
    throw new ConfigError('GATEWAY_ISSUER_THUMBPRINTS', `must be 40-hex-digit SHA-1 thumbprints separated by commas (got "${bad}")`);
  }
  return items;
}

export function loadGatewayIssuerSettings(env: Env = process.env): GatewayIssuerConfig | undefined {
  const raw = env.GATEWAY_ISSUER_URL?.trim();
  if (!raw) return undefined;
  const audience = env.GATEWAY_TOKEN_AUDIENCE?.trim() || DEFAULT_GATEWAY_AUDIENCE;
  if (audience.length > 255) throw new ConfigError('GATEWAY_TOKEN_AUDIENCE', 'must be at most 255 characters');
  return { issuer: issuerUrl(raw), audience, thumbprints: thumbprints(env.GATEWAY_ISSUER_THUMBPRINTS) };
}

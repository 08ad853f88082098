/**
 * Wiring for the API functions that read no token (health, openapi, preflight): the logger and the CORS origins,
 * from STAGE, LOG_LEVEL and CORS_ALLOWED_ORIGINS alone. No token verifier, tables or region: such a function
 * reads no configuration it does not use (a deployment missing OIDC_ISSUER still answers /health), and its
 * package carries no JWT library, nor the `https` module the JWKS fetcher loads.
 */
import { loadHttpConfig } from '../config';
import { createLogger } from '../log';
import type { HttpDeps } from './route';

let cached: HttpDeps | undefined;

export function publicHttpDefaults(): HttpDeps {
  if (cached) return cached;
  const config = loadHttpConfig();
  cached = { config, logger: createLogger({ service: 'volume-gateway', stage: config.stage }, { level: config.logLevel }) };
  return cached;
}

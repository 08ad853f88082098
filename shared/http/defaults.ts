/**
 * Wiring for API functions, done once per cold start at module scope so a warm Lambda reuses the
 * verifier (and its JWKS cache) and the logger.
 */
import { createTokenVerifier } from '../auth/token-verifier';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import type { HttpDeps } from './route';

let cached: HttpDeps | undefined;

export function httpDefaults(): HttpDeps {
  if (cached) return cached;
  const config = loadConfig();
  cached = {
    config,
    verifier: createTokenVerifier(config.auth),
    logger: createLogger({ service: 'volume-gateway', stage: config.stage }, { level: config.logLevel }),
  };
  return cached;
}

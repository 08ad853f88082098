/**
 * The console's settings, read from `/config.json` on its own origin: written by `npm start` locally and by the
 * deploy step at AWS (scripts/console-config.ts), so one build serves every stage.
 */
import type { ConsoleConfig } from './config-shape';

export type { ConsoleConfig };

let loaded: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The console's settings (/config.json) could not be read: HTTP ${response.status}.`);
  const body = (await response.json()) as Partial<ConsoleConfig>;
  if (typeof body.apiUrl !== 'string' || typeof body.oidc?.issuer !== 'string' || typeof body.oidc.clientId !== 'string') {
    throw new Error("The console's settings (/config.json) lack apiUrl or oidc.issuer/clientId; the deployment wrote them wrong.");
  }
  loaded = {
    ...body,
    apiUrl: body.apiUrl.replace(/\/+$/, ''),
    oidc: { ...body.oidc, scope: body.oidc.scope ?? 'openid email groups' },
  } as ConsoleConfig;
  return loaded;
}

/** The settings once `loadConfig` has run (the app renders nothing before). */
export function config(): ConsoleConfig {
  if (!loaded) throw new Error('config() before loadConfig()');
  return loaded;
}

/**
 * Wiring for the share-link management routes (create, list, revoke), once per cold start: our tables only (the
 * volume store's wiring plus the link store; no STS, no S3, so their bundle carries neither). `GET`/`HEAD
 * /l/{token}` is wired by `link-download.ts`. Without LINKS_TABLE, every link route answers 503 `LinksNotConfigured`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoLinkStore } from '../adapters/dynamodb/link-store';
import type { Config } from '../config';
import { DependencyUnavailable } from '../errors';
import type { HttpDeps } from '../http/route';
import type { LinkDeps } from '../links/deps';
import type { LinkStore } from '../links/ports';
import { randomLinkIds } from '../links/token';
import { volumeStoreDefaults } from './volume-store';

export interface LinkHandlerDeps extends HttpDeps {
  links: LinkDeps;
}

const disabled = (): Promise<never> =>
  Promise.reject(new DependencyUnavailable('Share links are not configured in this deployment (LINKS_TABLE).', 'LinksNotConfigured'));

export function buildLinkStore(config: Config, dynamo = new DynamoDBClient({ region: config.region })): LinkStore {
  if (!config.tables.links) {
    return { put: disabled, byTokenHash: disabled, byId: disabled, list: disabled, revoke: disabled, countDownload: disabled };
  }
  return createDynamoLinkStore({ client: dynamo, tableName: config.tables.links });
}

let cachedLinks: LinkHandlerDeps | undefined;

export function linkDefaults(): LinkHandlerDeps {
  if (cachedLinks) return cachedLinks;
  const base = volumeStoreDefaults();
  const { repo, lookup, audit, clock } = base.volumes;
  cachedLinks = {
    ...base,
    links: { repo, ...(lookup ? { lookup } : {}), audit, clock, links: buildLinkStore(base.config as Config), linkIds: randomLinkIds },
  };
  return cachedLinks;
}

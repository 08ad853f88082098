/**
 * Wiring for the share-link routes, once per cold start. The management routes (create, list, revoke) use our
 * tables only (the volume store's wiring plus the link store: no STS, no S3). `GET`/`HEAD /l/{token}` uses the
 * data routes' wiring (`vending.ts`: STS, the credential cache, the URL signer, the audit stream) plus the link
 * store. Without LINKS_TABLE, every link route answers 503 `LinksNotConfigured`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoLinkStore } from '../adapters/dynamodb/link-store';
import type { Config } from '../config';
import { DependencyUnavailable } from '../errors';
import type { HttpDeps } from '../http/route';
import type { LinkDeps, LinkDownloadDeps } from '../links/deps';
import type { LinkStore } from '../links/ports';
import { randomLinkIds } from '../links/token';
import { vendingDefaults } from './vending';
import { volumeStoreDefaults } from './volume-store';

export interface LinkHandlerDeps extends HttpDeps {
  links: LinkDeps;
}

export interface LinkDownloadHandlerDeps extends HttpDeps {
  download: LinkDownloadDeps;
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

let cachedDownload: LinkDownloadHandlerDeps | undefined;

export function linkDownloadDefaults(): LinkDownloadHandlerDeps {
  if (cachedDownload) return cachedDownload;
  const base = vendingDefaults();
  cachedDownload = { ...base, download: { ...base.vending, links: buildLinkStore(base.config as Config) } };
  return cachedDownload;
}

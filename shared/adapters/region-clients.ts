/**
 * SDK clients, one per region, created on first use and reused by every later call (a warm Lambda
 * keeps them). Bounded: regions are checked for shape and at most `maxRegions` clients are kept (least
 * recently used out), so a stream of odd region names cannot grow it without end. Resettable, for tests.
 */
import { LRUCache } from 'lru-cache';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface RegionClients<T> {
  get(region: string): T;
  /** Forgets every client (destroying them when they can be). */
  clear(): void;
  readonly size: number;
}

export function regionClients<T extends object>(create: (region: string) => T, maxRegions = 40): RegionClients<T> {
  // An evicted client is dropped, not destroyed: a request may still be using it.
  const clients = new LRUCache<string, T>({ max: maxRegions });
  return {
    get(region) {
      if (!REGION.test(region)) throw new RangeError(`not an AWS region name: ${JSON.stringify(region)}`);
      let client = clients.get(region);
      if (!client) {
        client = create(region);
        clients.set(region, client);
      }
      return client;
    },
    clear() {
      for (const client of clients.values()) (client as { destroy?: () => void }).destroy?.();
      clients.clear();
    },
    get size() {
      return clients.size;
    },
  };
}

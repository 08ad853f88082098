/**
 * The functions' bundles (esbuild-plugins.cjs's `one-lru`) carry one LRU library: the SDK's endpoint cache, which
 * every DynamoDB client builds, gets mnemonist's LRUCache as a subclass of lru-cache's, and behaves as with
 * mnemonist's. Bundled here as serverless.yml bundles, run in a fresh process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const plugins = (await import(join(process.cwd(), 'esbuild-plugins.cjs'))).default;
/** The endpoint cache as endpoint discovery uses it, capacity 2; and a DynamoDB client, which builds one. */
const ENTRY = `
import { EndpointCache } from '@aws-sdk/endpoint-cache';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const later = Date.now() + 60_000;
const cache = new EndpointCache(2);
const seen = [];
cache.set('a', [{ Address: 'a.example', CachePeriodInMinutes: 1 }]);
cache.set('b', [{ Address: 'b.example', CachePeriodInMinutes: 1 }]);
seen.push(cache.getEndpoint('a'));
cache.set('c', [{ Address: 'c.example', CachePeriodInMinutes: 1 }]);
seen.push(cache.has('a'), cache.has('b'), cache.has('c'));
cache.delete('a');
seen.push(cache.has('a'), cache.getEndpoint('a') ?? null);
cache.set('d', [{ Address: 'd.example', CachePeriodInMinutes: 0 }]);
seen.push(cache.getEndpoint('d') ?? null);
cache.clear();
seen.push(cache.has('c'));
const client = new DynamoDBClient({ region: 'eu-west-1', endpointDiscoveryEnabled: true });
seen.push(typeof client.config.endpointCache.getEndpoint);
console.log(JSON.stringify(seen));`;

let bundle: string;
let bundleFile: string;

beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins,
    write: false,
    outdir: 'unused',
  });
  bundle = out.outputFiles[0]!.text;
  bundleFile = join(mkdtempSync(join(tmpdir(), 'vg-one-lru-')), 'bundle.mjs');
  writeFileSync(bundleFile, bundle);
}, 60_000);

describe("the functions' bundles", () => {
  it('carry lru-cache and not mnemonist', () => {
    // Compared as booleans: a failing toContain would print the whole bundle.
    expect({ mnemonist: bundle.includes('mnemonist'), lruCache: bundle.includes('At least one of max, maxSize, or ttl') }).toEqual({
      mnemonist: false,
      lruCache: true,
    });
  });

  it("give the SDK's endpoint cache mnemonist's behaviour: least recently read out first, emptied entries, expiry", () => {
    const stdout = execFileSync(NODE, [bundleFile], { env: {}, encoding: 'utf8' });
    // 'a' read after 'b' was set, so 'b' goes when 'c' comes; a deleted entry is empty; an expired one is not served.
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual(['a.example', true, false, true, false, null, null, false, 'function']);
  });
});

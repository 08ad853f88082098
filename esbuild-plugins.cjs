/**
 * esbuild plugins for `serverless package` (serverless.yml's custom.esbuild.plugins; CommonJS, as serverless-esbuild
 * requires this file).
 *
 * builtins-through-require: a bundle's imports of Node's own modules (`import { Agent } from 'node:https'`) become
 * `require` calls. An ESM import of a built-in makes Node build the module's ESM facade, which reads every export,
 * lazy ones included: node:http's facade alone loads undici and http2 (~70 ms of a cold start on a 2-CPU machine);
 * `require` reads nothing it is not asked for. The bundles' banner defines `require` (createRequire).
 *
 * lambda-credentials: the AWS SDK clients' default credential provider (`@aws-sdk/credential-provider-node`, the
 * whole chain: SSO, ini files, login, process, web identity, IMDS, with the nested SSO/STS clients they call) becomes
 * what a Lambda function has: the execution role's keys in the environment (AWS_ACCESS_KEY_ID...), or, where a
 * runtime serves them over HTTP instead (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI), that endpoint. About
 * 130 KB less in every bundle with an SDK client (volumesList 573 -> 441 KB). Only the functions' bundles: the tests,
 * `npm start` and the Node front's container (its own build) keep the full chain.
 *
 * chunks-beside-their-handler: with `splitting` (serverless.yml), what a bundle reaches only through a dynamic
 * `import()` (the SDK's event-stream codec, its browser user-agent parser, the volume probe's S3 client) is a chunk
 * loaded at that import, not parsed at the cold start. serverless-esbuild builds each handler file on its own into
 * the handler's directory and zips, for each function, every file of the build except the other handlers' bundles
 * and the files named `<other handler>.*`: the chunks go to `<handler>.chunks/`, so each function's zip carries its
 * own chunks and no other handler's.
 *
 * one-lru: the SDK's endpoint cache (`@aws-sdk/endpoint-cache`, which every DynamoDB client builds for endpoint
 * discovery) imports mnemonist's LRUCache; the gateway's caches use lru-cache. Bundled, mnemonist's becomes a
 * subclass of lru-cache's with mnemonist's constructor (`new LRUCache(capacity)`): the endpoint cache calls get, set,
 * has, peek and clear alone, which the two define alike (get refreshes recency; has and peek do not). One LRU library
 * in every bundle with a DynamoDB client, ~7 KB less (mnemonist and its obliterator).
 */
const { basename, extname } = require('node:path');
const { builtinModules } = require('node:module');

const builtins = new Set(builtinModules);

/**
 * The provider a bundle's SDK clients default to; the environment's keys at each call, else the runtime's endpoint.
 * The HTTP provider is imported at its first use (a chunk of its own in a split build): a function whose
 * environment has the keys, as Lambda's runtime gives them, never loads it.
 */
const LAMBDA_CREDENTIALS = `
import { ENV_KEY, fromEnv } from '@aws-sdk/credential-provider-env';
export const defaultProvider = (init = {}) => {
  const env = fromEnv(init);
  let http; // built at its first use: it refuses to be built where no endpoint is configured
  return async () => {
    if (process.env[ENV_KEY]) return env();
    if (!http) {
      const { fromHttp } = await import('@aws-sdk/credential-provider-http');
      http ??= fromHttp(init);
    }
    return http();
  };
};`;

/** mnemonist's `LRUCache` (the default export of `mnemonist/lru-cache`) over lru-cache. */
const MNEMONIST_LRU_CACHE = `
import { LRUCache } from 'lru-cache';
export default class MnemonistLRUCache extends LRUCache {
  constructor(capacity) {
    super({ max: capacity });
  }
};`;

module.exports = [
  {
    name: 'chunks-beside-their-handler',
    setup(build) {
      const { splitting, entryPoints } = build.initialOptions;
      if (!splitting || !Array.isArray(entryPoints) || entryPoints.length !== 1) return;
      const entry = String(entryPoints[0]);
      build.initialOptions.chunkNames = `${basename(entry, extname(entry))}.chunks/[name]-[hash]`;
    },
  },
  {
    name: 'builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
        if (args.kind !== 'import-statement' || !builtins.has(args.path.replace(/^node:/, ''))) return undefined;
        return { path: args.path, namespace: 'builtin-cjs' };
      });
      build.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  },
  {
    name: 'lambda-credentials',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'lambda', namespace: 'lambda-credentials' }));
      build.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, () => ({
        contents: LAMBDA_CREDENTIALS,
        loader: 'js',
        resolveDir: __dirname,
      }));
    },
  },
  {
    name: 'one-lru',
    setup(build) {
      build.onResolve({ filter: /^mnemonist\/lru-cache(\.js)?$/ }, () => ({ path: 'lru-cache', namespace: 'one-lru' }));
      build.onLoad({ filter: /.*/, namespace: 'one-lru' }, () => ({ contents: MNEMONIST_LRU_CACHE, loader: 'js', resolveDir: __dirname }));
    },
  },
];

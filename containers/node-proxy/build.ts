/**
 * `npm run build:node-proxy`: bundles the Node front (`main.ts`, the AWS SDK and every production dependency it
 * imports) into one minified ES module, `dist/node-proxy.mjs`, that runs with `node dist/node-proxy.mjs` and no
 * node_modules: what the `Dockerfile` ships.
 */

import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE_PROXY_BUNDLE = `${ROOT}dist/node-proxy.mjs`;

/** Builds the bundle; resolves with its path and size in bytes. */
export async function buildNodeProxy(outfile = NODE_PROXY_BUNDLE): Promise<{ path: string; bytes: number }> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['containers/node-proxy/main.ts'],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Dependencies published as CommonJS `require` Node's built-ins; an ES module has no `require` of its own.
    banner: { js: "import { createRequire as __vgCreateRequire } from 'node:module'; const require = __vgCreateRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return { path: outfile, bytes: statSync(outfile).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildNodeProxy().then(
    ({ path, bytes }) => console.log(`${path}: ${bytes} bytes`),
    (error: Error) => {
      console.error(`The Node front could not be bundled: ${error.message}`);
      process.exit(1);
    },
  );
}

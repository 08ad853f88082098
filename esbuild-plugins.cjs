/**
 * esbuild plugins for `serverless package` (serverless.yml's custom.esbuild.plugins; CommonJS, as serverless-esbuild
 * requires this file).
 *
 * builtins-through-require: a bundle's imports of Node's own modules (`import { Agent } from 'node:https'`) become
 * `require` calls. An ESM import of a built-in makes Node build the module's ESM facade, which reads every export,
 * lazy ones included: node:http's facade alone loads undici and http2 (~70 ms of a cold start on a 2-CPU machine);
 * `require` reads nothing it is not asked for. The bundles' banner defines `require` (createRequire).
 */
const { builtinModules } = require('node:module');

const builtins = new Set(builtinModules);

module.exports = [
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
];

/**
 * Dependencies point one way (issue 12): what ships (functions/, shared/, containers/) never reaches into the
 * offline stand-in (local/), the benchmarks, the tests, the smoke tool or the customer CLI (bin/); shared/ never
 * reaches into the handlers or the fronts that use it; handlers reach AWS only through shared/'s adapters; and
 * nothing that ships needs a devDependency at run time. Checked in `npm test` by test/deps/dependency-rules.test.ts
 * (`npx depcruise functions shared containers local bin bench smoke scripts` prints the same).
 */
const PRODUCTION = '^(functions|shared|containers)/';
const NOT_SHIPPED = '^(local|bench|test|smoke|scripts|bin)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-not-to-its-users',
      comment: 'shared/ is what the handlers and fronts are built from; it never imports them.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|containers)/' },
    },
    {
      name: 'production-not-to-dev-tooling',
      comment: 'What ships never imports the local stack, benchmarks, tests, smoke tool, build scripts or the customer CLI (bin/).',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { path: NOT_SHIPPED },
    },
    {
      name: 'functions-not-to-aws-sdk',
      comment: 'Handlers reach AWS through the ports and adapters of shared/, never the SDK directly (nor its core, @smithy/*).',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: 'node_modules/(@aws-sdk|@smithy)/' },
    },
    {
      name: 'production-not-to-dev-dep',
      comment: 'What ships runs without devDependencies: a package it imports belongs in "dependencies".',
      severity: 'error',
      // A container's build script (containers/<front>/build.ts) runs at build time and ships nothing; nor does a .d.ts.
      from: { path: PRODUCTION, pathNot: ['^containers/[^/]+/build\\.ts$', '\\.d\\.ts$'] },
      // @types/* hold only types, which the build erases. swc (the parser here) does not mark `import type`, so a
      // type-only import of any other devDependency counts as a run-time one: import its types from a dependency.
      to: { dependencyTypes: ['npm-dev'], pathNot: 'node_modules/@types/' },
    },
    {
      name: 'production-not-to-undeclared',
      comment: 'A package that ships is declared in package.json "dependencies", not found by chance in node_modules.',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time (or in the bundle).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'Modules form layers; a cycle makes the load order (and what is undefined at import time) matter.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type imports count too (a type from local/ in shared/ is still a layer broken). No .d.ts is excluded: a
    // package whose "exports" lists "types" first resolves to its .d.ts, and excluding those hid such imports.
    tsPreCompilationDeps: true,
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses the TypeScript instead.
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};

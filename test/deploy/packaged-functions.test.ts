/**
 * Each function of serverless.yml is packaged on its own (`package.individually`): a zip of at most 400 KB with its
 * handler's bundle and that bundle's chunks alone (`splitting`: what the handler reaches only through a dynamic
 * `import()` is a chunk loaded at that import); the public functions' bundles carry no AWS SDK; and every packaged
 * handler loads in a Node 22 process with no environment at all (its wiring waits for its first call), where health
 * and openapi, which need no configuration, also answer. Sizes only: the times are `npm run bench:cold`'s.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { kbOf, staticClosure } from '../../bench/cold-start';
import { loadServerlessModel } from '../../local/serverless-model';
import { packagedService } from '../support/packaged-service';

const NODE = join(process.cwd(), 'node_modules/node/bin/node');
const functions = loadServerlessModel('serverless.yml').functions;
const PUBLIC = ['health', 'openapi'];
/**
 * The functions whose cold start still parses more than issue 13's 400 KB, and why; every other function's must
 * stay within it. The upload routes and verify import an S3 client (the multipart store's, the probe's) at their
 * first call, but the SDK modules it shares with STS and DynamoDB (their protocols' barrels) still land in the cold
 * start's chunks, on top of the credential route's STS, cache and gateway-token code; the proxy: STS, SigV4 and its
 * own code.
 */
const OVER_400_KB = [
  'uploadsStart',
  'uploadsParts',
  'uploadsComplete',
  'uploadsAbort',
  'linkDownload',
  'linkHead',
  'volumesVerify',
  'proxy',
];
/** Strings every build of the AWS SDK v3 carries (package names in its messages, its invocation header). */
const SDK_MARKS = ['@aws-sdk', '@smithy', 'smithy', 'amz-sdk-invocation-id'];

let out: string;
let root: string;
/** Each function's handler file, unzipped from its own zip. */
const handlerFile = (name: string) => join(root, name, functions.find((f) => f.name === name)!.sourceFile.replace(/\.ts$/, '.mjs'));
/** What Node reads when it loads a function's handler: the handler file and the chunks it imports statically. */
const coldText = (name: string) =>
  staticClosure(handlerFile(name))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
/** Every module file of a function's package: its handler, its cold start's chunks and its lazily imported ones. */
const packageText = (name: string) =>
  readdirSync(join(root, name), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => readFileSync(join(root, name, f), 'utf8'))
    .join('\n');

beforeAll(async () => {
  // Built once per run, shared with test/deploy/package.test.ts and aws-specs.test.ts.
  out = await packagedService();
  root = mkdtempSync(join(tmpdir(), 'vg-functions-'));
  for (const fn of functions) execFileSync('unzip', ['-q', join(out, `${fn.name}.zip`), '-d', join(root, fn.name)]);
}, 300_000);

/**
 * Imports `files` in a Node 22 process with an empty environment (Lambda's runtime defines the `awslambda` global
 * first; a stand-in does here), calls each of `calls` with its event, and gives the exports and answers.
 */
function inBareProcess(files: string[], calls: Record<string, unknown>): { exports: string[][]; answers: Record<string, any> } {
  const script = `
    globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };
    const [files, calls] = JSON.parse(process.argv[1]);
    const exports = [];
    for (const file of files) exports.push(Object.keys(await import(file)).sort());
    const answers = {};
    for (const [file, event] of Object.entries(calls)) {
      answers[file] = await (await import(file)).handler(event, { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10000 });
    }
    process.stdout.write('\\nRESULT ' + JSON.stringify({ exports, answers }) + '\\n');`;
  const stdout = execFileSync(NODE, ['--input-type=module', '-e', script, JSON.stringify([files, calls])], {
    env: {},
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(stdout.split('\nRESULT ').pop()!);
}

const getEvent = (path: string) => ({
  version: '2.0',
  routeKey: `GET ${path}`,
  rawPath: path,
  headers: {},
  requestContext: { requestId: 'r-1', domainName: 'api.example.org', http: { method: 'GET' } },
});

describe('the packaged functions', () => {
  it('are one zip per function of serverless.yml, each at most 400 KB', () => {
    const zips = readdirSync(out).filter((f) => f.endsWith('.zip'));
    expect(zips.sort()).toEqual(functions.map((f) => `${f.name}.zip`).sort());
    const over = functions.map((f) => ({ name: f.name, kb: statSync(join(out, `${f.name}.zip`)).size / 1024 })).filter((z) => z.kb > 400);
    expect(over).toEqual([]);
  });

  it('parses at most 400 KB at its cold start (the handler file and the chunks it imports statically), a few named ones apart', () => {
    const kb = (name: string) => Math.round(kbOf(staticClosure(handlerFile(name))));
    const over = functions.filter((f) => !OVER_400_KB.includes(f.name)).map((f) => ({ name: f.name, kb: kb(f.name) }));
    expect(over.filter((f) => f.kb > 400)).toEqual([]);
    // The named ones do not grow past what they were when they were named.
    expect(OVER_400_KB.map((name) => ({ name, kb: kb(name) })).filter((f) => f.kb > 600)).toEqual([]);
  });

  it("holds its handler file and that file's own chunks alone, minified", () => {
    for (const fn of functions) {
      const handler = fn.sourceFile.replace(/\.ts$/, '.mjs');
      const listing = execFileSync('unzip', ['-Z1', join(out, `${fn.name}.zip`)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      const chunks = `${handler.replace(/\.mjs$/, '')}.chunks/`;
      expect(
        listing.filter((f) => f !== handler && !(f.startsWith(chunks) && f.endsWith('.mjs'))),
        fn.name,
      ).toEqual([]);
      expect(listing, fn.name).toContain(handler);
    }
    // Minified: long lines (an unminified bundle averages some 30 characters a line).
    const health = readFileSync(handlerFile('health'), 'utf8');
    expect(health.length / health.split('\n').length).toBeGreaterThan(500);
  });

  it('gives health and openapi bundles without the AWS SDK, which the data functions carry', () => {
    const marksIn = (name: string) => SDK_MARKS.filter((mark) => packageText(name).includes(mark));
    for (const name of PUBLIC) expect({ name, marks: marksIn(name) }).toEqual({ name, marks: [] });
    // The check sees the SDK where it is.
    expect(marksIn('volumesList')).toEqual(SDK_MARKS);
  });

  it('gives no function an S3 client at its cold start, and presign and download none at all', () => {
    // The S3 client's service namespace, in every one of its operation schemas.
    const hasS3Client = (name: string) => coldText(name).includes('com.amazonaws.s3');
    const tables = [
      'volumesCreate',
      'volumesList',
      'volumesGet',
      'volumesUpdate',
      'volumesDelete',
      'membersPut',
      'membersList',
      'membersDelete',
      'auditList',
      'vendCredentials',
      'nextflowConfig',
      // It wires the volume ports for their STS issuer; their S3 probe, verify's alone, is imported at its first call.
      'proxy',
      'volumesVerify',
      'uploadsStart',
      'uploadsParts',
      'uploadsComplete',
      'uploadsAbort',
    ];
    expect(tables.filter(hasS3Client)).toEqual([]);
    // The URL signer needs none: presign and download carry no S3 client at all, not even lazily; nor does the listing route,
    // which sends its one GET through the proxy's upstream.
    expect(['presign', 'download', 'objectsList'].filter((name) => packageText(name).includes('com.amazonaws.s3'))).toEqual([]);
    // Verify's probe and the multipart store still have theirs: a chunk of the package, loaded at the first call.
    for (const name of ['volumesVerify', 'uploadsStart', 'uploadsComplete']) expect(packageText(name)).toContain('com.amazonaws.s3');
  });

  it('loads every handler with no environment, and health and openapi answer their first call', () => {
    // Functions that share a handler file share its bundle: each distinct one is loaded once.
    const files: string[] = [];
    const loadedAs = new Map<string, number>();
    const bundleOf = new Map<string, number>();
    for (const fn of functions) {
      const hash = createHash('sha256')
        .update(readFileSync(handlerFile(fn.name)))
        .digest('hex');
      if (!loadedAs.has(hash)) loadedAs.set(hash, files.push(pathToFileURL(handlerFile(fn.name)).href) - 1);
      bundleOf.set(fn.name, loadedAs.get(hash)!);
    }
    const health = pathToFileURL(handlerFile('health')).href;
    const openapi = pathToFileURL(handlerFile('openapi')).href;
    const { exports, answers } = inBareProcess(files, { [health]: getEvent('/health'), [openapi]: getEvent('/openapi.json') });
    for (const fn of functions) expect(exports[bundleOf.get(fn.name)!], fn.name).toContain(fn.exportName);
    expect(answers[health].statusCode).toBe(200);
    expect(JSON.parse(answers[health].body)).toEqual({ status: 'ok' });
    expect(answers[openapi].statusCode).toBe(200);
    const document = JSON.parse(answers[openapi].body);
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://api.example.org' }]);
  }, 60_000);
});

/**
 * `npm run smoke` (smoke/) against the local stack, so the deployment's smoke test cannot rot: alice's active
 * read-write volume of the proxy's world, her token in a file, the API, the function URL stand-in and the Node
 * front. It must pass with every check a PASS or a stated SKIP, leave nothing behind and revoke its key; and it
 * must fail, saying why, when the volume does not exist or an endpoint does not answer.
 *
 * The full run is the real command, `npm run smoke` in a child process (its exit code, its stdout, nothing secret
 * on either stream); the other runs call the function behind it (smoke/main.ts) in process, which spares each a
 * `tsx` start-up of one to three seconds.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeMain } from '../../smoke/main';
import { type ProxyWorld, startProxyWorld } from './proxy-world';

let w: ProxyWorld;
let dir: string;
let tokenFile: string;

beforeAll(async () => {
  w = await startProxyWorld();
  dir = mkdtempSync(join(tmpdir(), 'vg-smoke-test-'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${w.tokens.alice}\n`, { mode: 0o600 });
}, 60_000);
afterAll(async () => {
  await w?.stack.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface SmokeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run --silent smoke -- …args`, as an operator types it. */
function smoke(...args: string[]): Promise<SmokeRun> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', 'smoke', '--', ...args],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** The same command run in this process: its arguments, its lines, its exit code. */
async function smokeInProcess(...args: string[]): Promise<SmokeRun> {
  let stdout = '';
  let stderr = '';
  const code = await smokeMain(args, { out: (line) => (stdout += `${line}\n`), err: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

const lines = (run: SmokeRun) => run.stdout.trim().split('\n');
/** The `OUTCOME endpoint client check` of each check line. */
const checks = (run: SmokeRun) =>
  lines(run)
    .filter((l) => /^(PASS|FAIL|SKIP) /.test(l))
    .map((l) => l.split(/\s+/).slice(0, 4).join(' '));

describe('npm run smoke against the local stack', () => {
  let run: SmokeRun;

  beforeAll(async () => {
    const { apiUrl, proxyUrl, nodeProxyUrl } = w.stack.info;
    run = await smoke(
      '--api',
      apiUrl,
      '--proxy',
      proxyUrl,
      '--node-proxy',
      nodeProxyUrl,
      '--token-file',
      tokenFile,
      '--volume',
      'alice-genomes',
    );
  }, 120_000);

  it('passes: exit 0, no FAIL line, the verdict PASS', () => {
    expect(
      run.stdout.split('\n').filter((l) => l.startsWith('FAIL')),
      run.stdout + run.stderr,
    ).toEqual([]);
    expect(run.code).toBe(0);
    expect(lines(run).at(-1)).toMatch(/^VERDICT: PASS \(\d+ passed, 0 failed, \d+ skipped\)$/);
  });

  it(
    'checks every client through the Node front (the aws cli only where it is not boto3) and the JS SDK through the function URL, ' +
      'multipart only through the Node front',
    () => {
      const got = checks(run);
      const all = ['head-size', 'get-range', 'get-whole', 'gzip-intact', 'put-small', 'list-prefix', 'refused-outside'];
      const awsCli = ['head-size', 'get-whole', 'put-small'];
      for (const client of ['js-sdk', 'aws-cli', 'boto3', 'rclone']) {
        for (const check of client === 'aws-cli' ? awsCli : all) expect(got).toContain(`PASS node ${client} ${check}`);
        expect(got).toContain(`PASS node ${client} put-multipart`);
      }
      for (const check of all.filter((c) => !awsCli.includes(c))) expect(got).toContain(`SKIP node aws-cli ${check}`);
      for (const endpoint of ['function-url', 'node']) expect(got).toContain(`PASS ${endpoint} js-sdk refused-escape`);
      for (const check of all) expect(got).toContain(`PASS function-url js-sdk ${check}`);
      expect(got).toContain('SKIP function-url js-sdk put-multipart');
      for (const client of ['aws-cli', 'boto3', 'rclone']) expect(got).toContain(`SKIP function-url ${client} all`);
      const skipped = /skipped: S3 clients are given the Node front: through a function URL a HeadObject carries no size/.source;
      expect(run.stdout).toMatch(new RegExp(`${/^SKIP\s+function-url\s+boto3\s+all\s+/.source}${skipped}`, 'm'));
      // What the function URL did to sizes, as AWS does it, for the operator to see.
      expect(run.stdout).toMatch(
        /^PASS\s+function-url\s+js-sdk\s+head-size\s+no Content-Length; x-amzn-Remapped-Content-Length 150001, 150001 stored/m,
      );
      const gzipIntact = /stored gzip bytes: \d+ bytes, sha256 matches \(no Content-Length: x-amzn-Remapped-Content-Length \d+\)$/.source;
      expect(run.stdout).toMatch(new RegExp(`${/^PASS\s+function-url\s+js-sdk\s+gzip-intact\s+/.source}${gzipIntact}`, 'm'));
    },
  );

  it('leaves nothing under its prefix, revokes its key, and prints neither the token nor the secret', async () => {
    const prefix = /deleted \d+ objects under (smoke-\d{8}T\d{6}-[0-9a-f]{6}\/)/.exec(run.stdout)?.[1];
    expect(prefix, run.stdout).toBeDefined();
    const customer = w.stack.info.customers[0]!;
    const { S3Client } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: w.stack.info.awsEndpoint, region: 'us-east-1', forcePathStyle: true, credentials: customer });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'alice-lab', Prefix: `project-x/${prefix}` }))).KeyCount).toBe(0);
    const keyId = /revoked (VGAK\w+)/.exec(run.stdout)?.[1];
    const listed = await w.api('alice', 'GET', '/access-keys');
    expect(listed.body.items.map((k: { accessKeyId: string }) => k.accessKeyId)).not.toContain(keyId);
    expect(run.stdout + run.stderr).not.toContain(w.tokens.alice);
  });
});

describe('npm run smoke on a volume the user may only read', () => {
  let run: SmokeRun;
  const sample = 'smoke-read-only/sample.bin';

  beforeAll(async () => {
    await w
      .s3('alice', w.stack.info.nodeProxyUrl)
      .send(new PutObjectCommand({ Bucket: 'alice-genomes', Key: sample, Body: randomBytes(5000) }));
    const carolsToken = join(dir, 'carol-token');
    writeFileSync(carolsToken, w.tokens.carol!, { mode: 0o600 });
    const { apiUrl, proxyUrl } = w.stack.info;
    run = await smokeInProcess('--api', apiUrl, '--proxy', proxyUrl, '--token-file', carolsToken, '--volume', 'alice-genomes');
  }, 120_000);

  it('reads an object the volume holds, writes nothing, and says each write check is skipped for a read-only volume', async () => {
    expect(run.stdout).toMatch(
      new RegExp(`^PASS\\s+setup\\s+js-sdk\\s+fixtures\\s+read-only volume: reading ${sample} \\(5000 bytes\\), writing nothing$`, 'm'),
    );
    const got = checks(run);
    for (const check of ['put-small', 'put-multipart', 'gzip-intact']) expect(got).toContain(`SKIP function-url js-sdk ${check}`);
    for (const check of ['head-size', 'get-range', 'get-whole', 'list-prefix']) expect(got).toContain(`PASS function-url js-sdk ${check}`);
    expect(run.stdout).toMatch(/^SKIP\s+function-url\s+js-sdk\s+put-small\s+skipped: read-only volume$/m);
    const listed = await w.s3('alice', w.stack.info.nodeProxyUrl).send(new ListObjectsV2Command({ Bucket: 'alice-genomes' }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([sample]);
    expect(got).toContain('PASS api - revoke-key');
  });
});

describe('npm run smoke fails, saying why', () => {
  it('a volume name the user has no volume by: exit 1, the reason, no key created', async () => {
    const { apiUrl, proxyUrl } = w.stack.info;
    const run = await smokeInProcess('--api', apiUrl, '--proxy', proxyUrl, '--token-file', tokenFile, '--volume', 'no-such-volume');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^FAIL\s+api\s+-\s+volume\s+no volume named "no-such-volume" among the volumes this token's user is a member of/m,
    );
    expect(run.stdout).not.toMatch(/access-key/);
    expect(lines(run).at(-1)).toMatch(/^VERDICT: FAIL/);
  });

  it('a proxy URL where nothing answers: a FAIL line saying so, exit 1, and the key still revoked', async () => {
    const { apiUrl } = w.stack.info;
    const run = await smokeInProcess(
      '--api',
      apiUrl,
      '--proxy',
      'http://127.0.0.1:9',
      '--token-file',
      tokenFile,
      '--volume',
      'alice-genomes',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL\s+setup\s+js-sdk\s+fixtures\s+.*ECONNREFUSED/m);
    expect(checks(run)).toContain('PASS api - revoke-key');
    expect(lines(run).at(-1)).toMatch(/^VERDICT: FAIL/);
  });

  it('a Node front given as --proxy: its HEAD has a Content-Length a function URL does not send, and the line says to give it as ' +
    '--node-proxy', async () => {
    const { apiUrl, nodeProxyUrl } = w.stack.info;
    const run = await smokeInProcess('--api', apiUrl, '--proxy', nodeProxyUrl, '--token-file', tokenFile, '--volume', 'alice-genomes');
    const headSize = /150001 bytes, 150001 stored \(a Content-Length, which a function URL does not send: /.source;
    const hint = /if this is the Node front, give it as --node-proxy/.source;
    expect(run.stdout).toMatch(new RegExp(`${/^PASS\s+function-url\s+js-sdk\s+head-size\s+/.source}${headSize}${hint}`, 'm'));
  }, 120_000);
});

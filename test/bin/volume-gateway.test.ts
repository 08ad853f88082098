/**
 * The credential_process CLI against a small API on loopback that answers as the gateway does (paged
 * `GET /volumes`, `POST /volumes/{id}/credentials`, JSON errors with a code): what it prints, what it
 * sends, and the one-line errors and exit codes. The end-to-end test with the real stack and real
 * clients is `test/e2e/credential-process.test.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Cli from '../../bin/volume-gateway';
import { closedPort } from '../shared/adapters/helpers';

// By path: an extensionless import would find the `.mjs` launcher next to it first.
const { run } = (await import(/* @vite-ignore */ new URL('../../bin/volume-gateway.ts', import.meta.url).href)) as typeof Cli;

const exec = promisify(execFile);
const TOKEN = 'eyJ.test-token.sig';
const VENDED = {
  Version: 1,
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret/EXAMPLE',
  SessionToken: 'session-token',
  Expiration: '2030-01-01T01:00:00.000Z',
  bucket: 'alice-lab',
  prefix: 'project-x',
  region: 'us-east-1',
};

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: Server;
let api: string;
let seen: Seen[];
/** What the fake API answers to the credentials call, set per test. */
let credentialsReply: { status: number; body: unknown };
let listReply: { status: number; body: unknown } | undefined;

// 150 volumes, so finding the last one takes two pages.
const volumes = Array.from({ length: 150 }, (_, i) => ({ id: `vol-${String(i).padStart(3, '0')}`, name: `volume-${i}` }));

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url!, 'http://x');
    seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body: await bodyOf(request) });
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.headers.authorization !== `Bearer ${TOKEN}`)
      return reply(401, { code: 'TokenExpired', message: 'The token expired at 2026-01-01T00:00:00Z.' });
    if (request.method === 'GET' && url.pathname === '/volumes') {
      if (listReply) return reply(listReply.status, listReply.body);
      const start = Number(url.searchParams.get('nextToken') ?? '0');
      const limit = Number(url.searchParams.get('limit'));
      const items = volumes.slice(start, start + limit);
      return reply(200, { items, ...(start + limit < volumes.length ? { nextToken: String(start + limit) } : {}) });
    }
    if (request.method === 'POST' && /^\/volumes\/vol-\d+\/credentials$/.test(url.pathname))
      return reply(credentialsReply.status, credentialsReply.body);
    return reply(404, { code: 'NotFound', message: 'No such route.' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

beforeEach(() => {
  seen = [];
  credentialsReply = { status: 200, body: VENDED };
  listReply = undefined;
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = { VOLUME_GATEWAY_TOKEN: TOKEN, VOLUME_GATEWAY_API: api }) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('printing credentials', () => {
  it('prints exactly the credential_process fields, finding the volume on a later page', async () => {
    const out = await cli(['credentials', '--volume', 'volume-149']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(out.stdout)).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: 'secret/EXAMPLE',
      SessionToken: 'session-token',
      Expiration: '2030-01-01T01:00:00.000Z',
    });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /volumes?limit=100',
      'GET /volumes?limit=100&nextToken=100',
      'POST /volumes/vol-149/credentials',
    ]);
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.parse(seen[2]!.body)).toEqual({});
  });

  it('sends the access and duration asked for', async () => {
    expect((await cli(['credentials', '--volume=volume-3', '--access', 'read', '--duration', '900'])).code).toBe(0);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ access: 'read', durationSeconds: 900 });
  });

  it('takes the token from the first line of --token-file, and --api over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-cli-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\nsecond line ignored\n`);
    const out = await cli(['credentials', '--volume', 'volume-0', '--token-file', join(dir, 'token'), '--api', `${api}/`], {
      VOLUME_GATEWAY_API: 'http://127.0.0.1:9/',
    });
    expect(out.code).toBe(0);
    expect(seen[0]!.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('wrong invocations: exit 2, one line on stderr, nothing on stdout, no request made', () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv | undefined, RegExp]> = [
    ['no command', ['--volume', 'v'], undefined, /a command is required: credentials/],
    ['an unknown command', ['login'], undefined, /unknown command "login"/],
    ['no volume', ['credentials'], undefined, /--volume NAME is required/],
    ['an unknown option', ['credentials', '--volume', 'v', '--bucket', 'b'], undefined, /--bucket/],
    ['a bad access', ['credentials', '--volume', 'v', '--access', 'admin'], undefined, /--access must be read or write/],
    ['a bad duration', ['credentials', '--volume', 'v', '--duration', '1h'], undefined, /--duration must be a positive whole number/],
    ['a token on the command line', ['credentials', '--volume', 'v', '--token', TOKEN], undefined, /shows in `ps`/],
    [
      'no token',
      ['credentials', '--volume', 'v'],
      { VOLUME_GATEWAY_API: 'http://127.0.0.1:9' },
      /no token: set VOLUME_GATEWAY_TOKEN or pass --token-file/,
    ],
    [
      'an unreadable token file',
      ['credentials', '--volume', 'v', '--token-file', '/nonexistent/token'],
      undefined,
      /cannot read the token file \/nonexistent\/token \(ENOENT\)/,
    ],
    [
      'no API URL',
      ['credentials', '--volume', 'v'],
      { VOLUME_GATEWAY_TOKEN: TOKEN },
      /no API URL: pass --api URL or set VOLUME_GATEWAY_API/,
    ],
    ['an API URL that is not one', ['credentials', '--volume', 'v', '--api', 'ftp://x'], undefined, /must be http\(s\)/],
  ];
  for (const [what, argv, env, message] of cases) {
    it(what, async () => {
      const out = await cli(argv, env);
      expect(out.code).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(message);
      expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(out.stderr).not.toContain(TOKEN);
      expect(seen).toEqual([]);
    });
  }

  it('--help prints the usage on stdout and exits 0', async () => {
    const out = await cli(['--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^usage: volume-gateway credentials --volume NAME/);
  });
});

describe('the API says no, or is not there: exit 1, one line on stderr saying what to do', () => {
  async function failing(argv: string[], env?: NodeJS.ProcessEnv) {
    const out = await cli(argv, env);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).not.toContain(TOKEN);
    return out.stderr;
  }

  it('a volume name nobody gave the caller', async () => {
    expect(await failing(['credentials', '--volume', 'volume-999'])).toMatch(/no volume named "volume-999" among the volumes you can use/);
  });

  it('a token the API refuses: 401 with the API’s code', async () => {
    expect(await failing(['credentials', '--volume', 'volume-1'], { VOLUME_GATEWAY_TOKEN: 'stale', VOLUME_GATEWAY_API: api })).toMatch(
      /did not accept the token \(TokenExpired: The token expired at 2026-01-01T00:00:00Z\.\); get a fresh token/,
    );
  });

  it('access the caller does not have: 403', async () => {
    credentialsReply = { status: 403, body: { code: 'AccessNotAllowed', message: 'Your membership allows read access only.' } };
    expect(await failing(['credentials', '--volume', 'volume-1', '--access', 'write'])).toMatch(
      'not allowed to get write credentials for volume "volume-1" (AccessNotAllowed: Your membership allows read access only.); ' +
        "ask the volume's admin",
    );
  });

  it('a duration the API will not give: the API’s own words', async () => {
    credentialsReply = {
      status: 400,
      body: { code: 'DurationTooLong', message: 'Role volumes vend at most 3600 seconds.', field: 'durationSeconds' },
    };
    expect(await failing(['credentials', '--volume', 'volume-1', '--duration', '7200'])).toMatch(
      /refused the request \(DurationTooLong: Role volumes vend at most 3600 seconds\.\)/,
    );
  });

  it('the API failing: try again', async () => {
    listReply = { status: 503, body: { code: 'StsUnavailable', message: 'STS did not answer.' } };
    expect(await failing(['credentials', '--volume', 'volume-1'])).toMatch(
      /could not answer \(StsUnavailable: STS did not answer\.\); try again shortly/,
    );
  });

  it('an answer without credentials', async () => {
    credentialsReply = { status: 200, body: { hello: 'world' } };
    expect(await failing(['credentials', '--volume', 'volume-1'])).toMatch(/without the credentials expected/);
  });

  it('nothing listening: names the URL and what to check', async () => {
    const port = await closedPort();
    expect(await failing(['credentials', '--volume', 'volume-1', '--api', `http://127.0.0.1:${port}`])).toMatch(
      new RegExp(`cannot reach the API at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): check --api or VOLUME_GATEWAY_API`),
    );
  });
});

describe('as a command', () => {
  const root = resolve(import.meta.dirname, '../..');

  it('`npx volume-gateway` runs the launcher from this repository, offline, stdout holding only the JSON', async () => {
    const { stdout } = await exec('npx', ['--offline', 'volume-gateway', 'credentials', '--volume', 'volume-7'], {
      cwd: root,
      env: { ...process.env, VOLUME_GATEWAY_TOKEN: TOKEN, VOLUME_GATEWAY_API: api },
      timeout: 60_000,
    });
    expect(Object.keys(JSON.parse(stdout))).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  });

  it('exits 2 from the launcher on a wrong invocation, and 1 when the API refuses', async () => {
    const launcher = join(root, 'bin/volume-gateway.mjs');
    const env = { PATH: process.env.PATH, VOLUME_GATEWAY_TOKEN: TOKEN, VOLUME_GATEWAY_API: api };
    await expect(exec(launcher, ['credentials'], { env })).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/--volume NAME is required/),
    });
    await expect(exec(launcher, ['credentials', '--volume', 'nope'], { env })).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/no volume named "nope"/),
    });
  });
});

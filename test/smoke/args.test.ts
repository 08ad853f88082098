import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSmokeArgs, UsageError } from '../../smoke/args';

const dir = mkdtempSync(join(tmpdir(), 'vg-smoke-args-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'eyJ.the-token\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = [
  '--api',
  'https://api.example.org/',
  '--proxy',
  'https://fn.lambda-url.us-east-1.on.aws/',
  '--token-file',
  tokenFile,
  '--volume',
  'lab',
];

describe('the smoke command line', () => {
  it('reads the token from its file and names the endpoints: the function URL, then the Node front when given', () => {
    expect(parseSmokeArgs([...base, '--node-proxy', 'http://s3.example.org:8080'])).toEqual({
      api: 'https://api.example.org',
      endpoints: [
        { name: 'function-url', url: 'https://fn.lambda-url.us-east-1.on.aws' },
        { name: 'node', url: 'http://s3.example.org:8080' },
      ],
      token: 'eyJ.the-token',
      volume: 'lab',
    });
    expect(parseSmokeArgs(base).endpoints.map((e) => e.name)).toEqual(['function-url']);
  });

  it.each([
    [['--api', 'https://a', '--token-file', tokenFile], 'missing --proxy, --volume'],
    [[...base, '--token', 'x'], "Unknown option '--token'"],
    [[...base.slice(0, 5), join(dir, 'absent'), ...base.slice(6)], 'cannot read'],
    [['--api', 'ftp://a', ...base.slice(2)], '--api: must be an http(s) URL'],
    [[...base, '--node-proxy', 'not a url'], '--node-proxy: not a URL'],
  ])('refuses %j with a usage error saying %s', (argv, message) => {
    expect(() => parseSmokeArgs(argv)).toThrow(UsageError);
    expect(() => parseSmokeArgs(argv)).toThrow(message);
  });

  it('takes a token file holding "Bearer <token>" (as copied from a request\'s Authorization header) as the token', () => {
    const copied = join(dir, 'copied');
    writeFileSync(copied, 'Bearer eyJ.the-token\n');
    expect(parseSmokeArgs([...base.slice(0, 5), copied, ...base.slice(6)]).token).toBe('eyJ.the-token');
  });

  it('refuses an empty token file', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => parseSmokeArgs([...base.slice(0, 5), empty, ...base.slice(6)])).toThrow(`--token-file: ${empty} is empty`);
  });
});

/**
 * Two more clients of the proxy's client matrix (issue 10), run as a user runs them:
 * - s3cmd (Debian's 2.3) with its own config file: the front's host:port as `host_base` and `host_bucket` (no
 *   `%(bucket)s`, so path-style), plain http, SigV4 only, region us-east-1;
 * - curl (Debian's 7.88) signing with its own `--aws-sigv4 "aws:amz:us-east-1:s3"` and `--user KEY:SECRET`, `-v`
 *   so a test can see what curl sent (its request headers are the `> ` lines of stderr).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClientRun, type GatewayKey, runClient } from './clients';

const env = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });

/** /usr/bin/s3cmd with a config file per key and front (written in `home`). */
export function s3cmd(home: string) {
  let configs = 0;
  return (key: GatewayKey, endpoint: string, ...args: string[]): Promise<ClientRun> => {
    const host = new URL(endpoint).host;
    const config = join(home, `s3cmd-${configs++}.cfg`);
    writeFileSync(
      config,
      [
        '[default]',
        `access_key = ${key.accessKeyId}`,
        `secret_key = ${key.secretAccessKey}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = False',
        'signature_v2 = False',
        'bucket_location = us-east-1',
        '',
      ].join('\n'),
    );
    return runClient('/usr/bin/s3cmd', ['-c', config, ...args], env(home));
  };
}

export interface CurlRun extends ClientRun {
  /** The HTTP status of the (last) answer. */
  status: number;
  /** The request headers curl sent, lower-cased names, from `-v`. */
  sent: Record<string, string>;
}

/** /usr/bin/curl signing with `--aws-sigv4`; `args` are curl's (e.g. `-T file`, `-I`, `-r 0-9`, `-o file`). */
export function curlSigV4(home: string) {
  return async (key: GatewayKey, url: string, ...args: string[]): Promise<CurlRun> => {
    const run = await runClient(
      '/usr/bin/curl',
      [
        '-sS',
        '-v',
        '--aws-sigv4',
        'aws:amz:us-east-1:s3',
        '--user',
        `${key.accessKeyId}:${key.secretAccessKey}`,
        '-w',
        '\n%{http_code}',
        ...args,
        url,
      ],
      env(home),
    );
    const lines = run.stdout.split('\n');
    const status = Number(lines.pop());
    const sent: Record<string, string> = {};
    for (const line of run.stderr.split('\n')) {
      const header = /^> ([^:\s]+): ?(.*?)\r?$/.exec(line);
      if (header) sent[header[1]!.toLowerCase()] = header[2]!;
    }
    return { ...run, stdout: lines.join('\n'), status, sent };
  };
}

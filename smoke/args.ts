/**
 * The smoke test's command line: `--api URL --proxy URL [--node-proxy URL] --token-file FILE --volume NAME`.
 * The token is read from a file (never the command line, where `ps` and shell history would keep it).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface SmokeOptions {
  api: string;
  /** The proxy's endpoints to check, by name: `function-url` (--proxy) and `node` (--node-proxy). */
  endpoints: Endpoint[];
  token: string;
  volume: string;
}

export interface Endpoint {
  name: 'function-url' | 'node';
  url: string;
}

export const USAGE = 'usage: npm run smoke -- --api <url> --proxy <url> [--node-proxy <url>] --token-file <file> --volume <name>';

/** A command line the smoke test cannot run with; its message says what is wrong. */
export class UsageError extends Error {}

export function parseSmokeArgs(argv: string[]): SmokeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        api: { type: 'string' },
        proxy: { type: 'string' },
        'node-proxy': { type: 'string' },
        'token-file': { type: 'string' },
        volume: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const missing = ['api', 'proxy', 'token-file', 'volume'].filter((name) => !values[name as keyof typeof values]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const endpoints: Endpoint[] = [{ name: 'function-url', url: httpUrl('--proxy', values.proxy!) }];
  if (values['node-proxy']) endpoints.push({ name: 'node', url: httpUrl('--node-proxy', values['node-proxy']) });
  return { api: httpUrl('--api', values.api!), endpoints, token: readToken(values['token-file']!), volume: values.volume! };
}

/** The URL without a trailing slash; an error naming the option when it is not http(s). */
function httpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option}: must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

function readToken(file: string): string {
  let token: string;
  try {
    // A token copied with its header's scheme ("Bearer eyJ…") is still the token.
    token = readFileSync(file, 'utf8')
      .trim()
      .replace(/^Bearer\s+/i, '');
  } catch (error) {
    throw new UsageError(`--token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!token) throw new UsageError(`--token-file: ${file} is empty`);
  return token;
}

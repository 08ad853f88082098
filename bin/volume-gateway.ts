/**
 * `volume-gateway credentials --volume NAME [--access read|write] [--duration SECONDS] [--api URL] [--token-file PATH]`
 *
 * Prints the JSON that AWS's `credential_process` expects, and nothing else on stdout, so a profile in
 * `~/.aws/config` can carry one volume:
 *
 *     [profile genomes]
 *     credential_process = /path/to/volume-gateway credentials --volume genomes
 *
 * The token comes from `VOLUME_GATEWAY_TOKEN` or the first line of `--token-file`, never from an argument
 * (arguments show in `ps`). The API from `--api` or `VOLUME_GATEWAY_API`. The volume is found by name in
 * `GET /volumes`, then `POST /volumes/{id}/credentials` vends. Failures are one line on stderr saying what
 * to do; exit 2 for a wrong invocation (nothing was asked of the API), 1 for everything after.
 * Node's own `fetch` and nothing else, so it runs wherever Node 20+ does.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const USAGE =
  'usage: volume-gateway credentials --volume NAME [--access read|write] [--duration SECONDS] [--api URL] [--token-file PATH]\n' +
  '  token: VOLUME_GATEWAY_TOKEN, or the first line of --token-file; API: --api or VOLUME_GATEWAY_API';

const REQUEST_TIMEOUT_MS = 30_000;
const PAGE_SIZE = 100;
/** Bounds the walk through `GET /volumes` should the API keep answering with a next page. */
const MAX_PAGES = 1000;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch?: typeof fetch;
}

interface Invocation {
  volume: string;
  access?: 'read' | 'write';
  durationSeconds?: number;
  api: string;
  token: string;
}

/** Something the user must fix; `exitCode` 2 when it is how the command was called. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

async function parseInvocation(argv: string[], env: NodeJS.ProcessEnv): Promise<Invocation | 'help'> {
  if (argv.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new CliError(
      '--token is not accepted: a token on the command line shows in `ps`. Set VOLUME_GATEWAY_TOKEN or pass --token-file PATH.',
      2,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        volume: { type: 'string' },
        access: { type: 'string' },
        duration: { type: 'string' },
        api: { type: 'string' },
        'token-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1 || positionals[0] !== 'credentials') {
    throw new CliError(
      positionals.length === 0
        ? 'a command is required: credentials'
        : `unknown command "${positionals.join(' ')}": the command is credentials`,
      2,
    );
  }
  const volume = values.volume?.trim();
  if (!volume) throw new CliError('--volume NAME is required', 2);
  if (values.access !== undefined && values.access !== 'read' && values.access !== 'write') {
    throw new CliError(`--access must be read or write (got "${values.access}")`, 2);
  }
  let durationSeconds: number | undefined;
  if (values.duration !== undefined) {
    if (!/^\d+$/.test(values.duration) || Number(values.duration) <= 0)
      throw new CliError(`--duration must be a positive whole number of seconds (got "${values.duration}")`, 2);
    durationSeconds = Number(values.duration);
  }
  const api = apiBase(values.api ?? env.VOLUME_GATEWAY_API);
  const token = await readToken(values['token-file'], env);
  return {
    volume,
    ...(values.access ? { access: values.access } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    api,
    token,
  };
}

function apiBase(value: string | undefined): string {
  if (!value?.trim()) throw new CliError('no API URL: pass --api URL or set VOLUME_GATEWAY_API', 2);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CliError(`the API URL "${value}" is not a URL`, 2);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(`the API URL must be http(s) (got "${value}")`, 2);
  return url.href.replace(/\/+$/, '');
}

async function readToken(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the token file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 2);
    }
    const token = text.split(/\r?\n/, 1)[0]!.trim();
    if (!token) throw new CliError(`the token file ${file} is empty: its first line must be the token`, 2);
    return token;
  }
  const token = env.VOLUME_GATEWAY_TOKEN?.trim();
  if (!token) throw new CliError('no token: set VOLUME_GATEWAY_TOKEN or pass --token-file PATH', 2);
  return token;
}

interface ApiAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

function apiClient(invocation: Invocation, fetchImpl: typeof fetch) {
  return async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer> {
    let response: Response;
    try {
      response = await fetchImpl(`${invocation.api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${invocation.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new CliError(`the API at ${invocation.api} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s; try again shortly`);
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why =
        typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (error as Error).message;
      throw new CliError(`cannot reach the API at ${invocation.api} (${why}): check --api or VOLUME_GATEWAY_API, and your network`);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const answer = {
      status: response.status,
      body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined,
    };
    if (answer.status >= 400) throw refusal(answer, invocation);
    return answer;
  };
}

/** One line that says what went wrong and what to do, in the API's own code and words. */
function refusal({ status, body }: ApiAnswer, invocation: Invocation): CliError {
  const code = typeof body?.code === 'string' ? body.code : `HTTP ${status}`;
  const said = typeof body?.message === 'string' ? `${code}: ${body.message}` : code;
  if (status === 401)
    return new CliError(`the API did not accept the token (${said}); get a fresh token into VOLUME_GATEWAY_TOKEN or the token file`);
  if (status === 403)
    return new CliError(
      `not allowed to get ${invocation.access ? `${invocation.access} ` : ''}credentials for volume "${invocation.volume}" (${said}); ` +
        `ask the volume's admin for access`,
    );
  if (status === 404) return unknownVolume(invocation.volume);
  if (status >= 500 || status === 429) return new CliError(`the API could not answer (${said}); try again shortly`);
  return new CliError(`the API refused the request (${said})`);
}

const unknownVolume = (name: string) =>
  new CliError(`no volume named "${name}" among the volumes you can use: check the name, or ask its owner to add you`);

async function findVolumeId(call: ReturnType<typeof apiClient>, name: string): Promise<string> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `?limit=${PAGE_SIZE}${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`;
    const { body } = await call('GET', `/volumes${query}`);
    const items = Array.isArray(body?.items) ? (body.items as Array<{ id?: unknown; name?: unknown }>) : [];
    const found = items.find((v) => v.name === name);
    if (found && typeof found.id === 'string') return found.id;
    nextToken = typeof body?.nextToken === 'string' && body.nextToken ? body.nextToken : undefined;
    if (!nextToken) break;
  }
  throw unknownVolume(name);
}

/** The credential_process document: exactly these fields, as the AWS CLI and SDKs read them. */
function credentialProcessJson(body: Record<string, unknown> | undefined): string {
  const fields = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const;
  if (!body || fields.some((f) => typeof body[f] !== 'string' || !body[f])) {
    throw new CliError(
      'the API answered without the credentials expected (AccessKeyId, SecretAccessKey, SessionToken, Expiration); is --api the ' +
        'volume gateway?',
    );
  }
  return JSON.stringify({
    Version: 1,
    AccessKeyId: body.AccessKeyId,
    SecretAccessKey: body.SecretAccessKey,
    SessionToken: body.SessionToken,
    Expiration: body.Expiration,
  });
}

/** Runs the command; resolves with the exit code. Never throws. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const invocation = await parseInvocation(argv, io.env);
    if (invocation === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const call = apiClient(invocation, io.fetch ?? fetch);
    const id = await findVolumeId(call, invocation.volume);
    const request = {
      ...(invocation.access ? { access: invocation.access } : {}),
      ...(invocation.durationSeconds !== undefined ? { durationSeconds: invocation.durationSeconds } : {}),
    };
    const { body } = await call('POST', `/volumes/${encodeURIComponent(id)}/credentials`, request);
    io.stdout(`${credentialProcessJson(body)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`volume-gateway: ${error.message}${error.exitCode === 2 ? ' (see volume-gateway --help)' : ''}\n`);
      return error.exitCode;
    }
    io.stderr(`volume-gateway: unexpected failure: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Run directly (`tsx bin/volume-gateway.ts …`); the `bin/volume-gateway.mjs` launcher calls {@link run} itself. */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}

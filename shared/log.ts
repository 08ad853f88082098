/**
 * Structured JSON logs, one line per event, with the request id on every line so an operator can
 * follow one request. Values that look like secrets are masked before they are written: logs are
 * read by more people than the service's secrets should be.
 *
 * Masked:
 * - any field whose name says secret, password, token, authorization, signature, credential, cookie or
 *   private/master/api key (whatever its value);
 * - inside any string: JWTs, `Bearer …`, presigned URLs' `X-Amz-Signature`, `X-Amz-Credential` and
 *   `X-Amz-Security-Token`, a SigV4 `Authorization` header's `Credential=` and `Signature=`, AWS session
 *   tokens (runs of 100 or more base64 characters) and 40-character secret keys (AWS's and the gateway's
 *   own, base64 with both letter cases).
 *
 * Every line goes to the process's sink: stdout, unless a test (or a host) sets another with `setLogSink`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** The fields every line of this logger carries (service, stage, request id…). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

const stdoutSink = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
let sink: (line: string) => void = stdoutSink;

/** Sends every line written without an explicit writer (loggers' and metrics' defaults) to `write`; returns the undo. */
export function setLogSink(write: (line: string) => void): () => void {
  const previous = sink;
  sink = write;
  return () => {
    sink = previous;
  };
}

/** Writes one line to the process's sink (stdout by default). */
export function writeLogLine(line: string): void {
  sink(line);
}

const SECRET_KEY = /(secret|password|token|authorization|signature|credential|cookie|private.?key|master.?key|api.?key)/i;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(Bearer\s+)[^\s",]+/gi;
const AMZ_SIGNATURE = /(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s"]+/gi;
const SIGV4_HEADER = /(?<![\w-])((?:Credential|Signature)=)[^,&\s"]+/g;
/** AWS session tokens and other long base64 blobs. */
const LONG_BASE64 = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=])/g;
/** AWS secret access keys and the gateway's key secrets: 40 base64 characters. */
const SECRET_40 = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const looksRandom = (value: string) => /[A-Z]/.test(value) && /[a-z]/.test(value);

/** Masks secret-shaped pieces of one string. */
export function redactText(value: string): string {
  return value
    .replace(JWT, '[jwt]')
    .replace(BEARER, '$1[redacted]')
    .replace(AMZ_SIGNATURE, '$1[redacted]')
    .replace(SIGV4_HEADER, '$1[redacted]')
    .replace(LONG_BASE64, '[redacted]')
    .replace(SECRET_40, (match) => (looksRandom(match) ? '[redacted]' : match));
}

/** Masks secret-looking keys and secret-shaped strings (see the module's comment). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && inner !== undefined && inner !== null ? '[redacted]' : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: LogLevel; write?: (line: string) => void; now?: () => Date } = {},
): Logger {
  const threshold = levels[options.level ?? 'info'];
  const write = options.write ?? writeLogLine;
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (levels[level] < threshold) return;
    const entry = { level, time: now().toISOString(), message, ...base, ...fields };
    write(JSON.stringify(redact(entry)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
    fields: Object.freeze({ ...base }),
  };
}

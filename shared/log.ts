/**
 * Structured JSON logs, one line per event, with the request id on every line so an operator can
 * follow one request. Values that look like secrets are masked before they are written: logs are
 * read by more people than the service's secrets should be.
 *
 * Built on Powertools for AWS Lambda's `Logger`: one Powertools logger per `createLogger` call, a formatter of
 * ours (`RedactingFormatter`) that keeps the line's shape `{level, time, message, ...fields}` (level in lower
 * case, time in ISO 8601 UTC) and masks it, and a `printLog` that writes through our sink. `child` loggers share
 * their parent's Powertools logger and only add fields (the proxy makes one per request). Fields travel to the
 * formatter under one key, so Powertools' reserved names (`service`, `message`, `level`, `timestamp`) are ours
 * to use as before.
 *
 * Level, first that applies: AWS Lambda's advanced logging controls (`AWS_LAMBDA_LOG_LEVEL`, which Powertools
 * lets win so no line is lost to the platform's filter), then the `level` option (the service passes its
 * `LOG_LEVEL` config), then `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL` (upper case: `DEBUG`, `INFO`…), then `info`.
 *
 * Masked:
 * - any field whose name says secret, password, token, authorization, signature, credential, cookie or
 *   private/master/api key (whatever its value);
 * - inside any string: JWTs, `Bearer …`, presigned URLs' `X-Amz-Signature`, `X-Amz-Credential` and
 *   `X-Amz-Security-Token`, any URL query parameter whose name says secret (`?access_token=…`), a SigV4
 *   `Authorization` header's `Credential=` and `Signature=`, share links' `/l/<token>`, AWS session tokens (runs
 *   of 100 or more base64 characters) and 40-character secret keys (AWS's and the gateway's own, base64 with both
 *   letter cases).
 *
 * Every line goes to the process's sink: stdout, unless a test (or a host) sets another with `setLogSink`.
 */
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

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
/** Any URL query parameter (or form field) whose name says secret: `?access_token=…`, `&client_secret=…`, `;password=…`. */
const QUERY_SECRET = new RegExp(`([?&;][\\w.%-]*${SECRET_KEY.source}[\\w.%-]*=)[^&;#\\s"]+`, 'gi');
const SIGV4_HEADER = /(?<![\w-])((?:Credential|Signature)=)[^,&\s"]+/g;
/** AWS session tokens and other long base64 blobs. */
const LONG_BASE64 = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=])/g;
/** A share link's URL or path (`/l/<token>`, shared/links): the token is a bearer secret. */
const LINK_PATH = /(\/l\/)[A-Za-z0-9_-]{16,}/g;
/** AWS secret access keys and the gateway's key secrets: 40 base64 characters. */
const SECRET_40 = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const looksRandom = (value: string) => /[A-Z]/.test(value) && /[a-z]/.test(value);

/** Masks secret-shaped pieces of one string. */
export function redactText(value: string): string {
  return value
    .replace(JWT, '[jwt]')
    .replace(BEARER, '$1[redacted]')
    .replace(AMZ_SIGNATURE, '$1[redacted]')
    .replace(QUERY_SECRET, '$1[redacted]')
    .replace(SIGV4_HEADER, '$1[redacted]')
    .replace(LINK_PATH, '$1[redacted]')
    .replace(LONG_BASE64, '[redacted]')
    .replace(SECRET_40, (match) => (looksRandom(match) ? '[redacted]' : match));
}

/** Masks secret-looking keys and secret-shaped strings (see the module's comment). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  // A Date, a URL (its query may hold a token) and the like: logged as JSON would write them (not `{}`), masked.
  const json = value && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  if (typeof json === 'function') return redact(json.call(value), depth + 1);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && inner !== undefined && inner !== null ? '[redacted]' : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/** The key under which a call's fields reach the formatter, past Powertools' reserved-key filter. */
const FIELDS = 'volumeGatewayFields';

/** Powertools' formatter extension point: our line shape, redacted. */
class RedactingFormatter extends LogFormatter {
  constructor(private readonly now?: () => Date) {
    super();
  }

  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const { [FIELDS]: fields, ...rest } = additional;
    const entry = {
      level: attributes.logLevel.toLowerCase(),
      time: (this.now?.() ?? attributes.timestamp).toISOString(),
      message: attributes.message,
      ...rest,
      ...(fields as Record<string, unknown> | undefined),
    };
    return new LogItem({ attributes: redact(entry) as LogAttributes });
  }
}

/** A Powertools logger that writes its lines through our sink instead of its own `Console` on stdout. */
class SinkLogger extends PowertoolsLogger {
  private sink?: (line: string) => void;

  constructor(write: (line: string) => void, level: LogLevel | undefined, now: (() => Date) | undefined) {
    super({ logLevel: level?.toUpperCase() as 'INFO' | undefined, logFormatter: new RedactingFormatter(now) });
    this.sink = write;
  }

  // Lines logged while Powertools' constructor runs (its own warnings) come before `sink` is set: they go to
  // the process's sink. The line is not passed through `prepareForPrint`, which would drop null and empty fields.
  protected override printLog(_logLevel: number, log: LogItem): void {
    (this.sink ?? writeLogLine)(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: LogLevel; write?: (line: string) => void; now?: () => Date } = {},
): Logger {
  return bind(new SinkLogger(options.write ?? writeLogLine, options.level, options.now), base);
}

/** Our `Logger` over one Powertools logger, with `fields` on every line: cheap, for one per request. */
function bind(powertools: SinkLogger, base: Record<string, unknown>): Logger {
  const extra = (fields?: Record<string, unknown>) => ({ [FIELDS]: fields ? { ...base, ...fields } : base });
  return {
    debug: (message, fields) => powertools.debug(message, extra(fields)),
    info: (message, fields) => powertools.info(message, extra(fields)),
    warn: (message, fields) => powertools.warn(message, extra(fields)),
    error: (message, fields) => powertools.error(message, extra(fields)),
    child: (fields) => bind(powertools, { ...base, ...fields }),
    fields: Object.freeze({ ...base }),
  };
}

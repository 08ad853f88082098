/**
 * Structured JSON logs, one line per event, with the request id on every line so an operator can
 * follow one request. Values that look like secrets are masked before they are written: logs are
 * read by more people than the service's secrets should be.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /(secret|password|token|authorization|signature|credential|cookie)/i;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const AMZ_SIGNATURE = /(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s"]+/gi;

/** Masks secret-looking keys and any JWT or presigned-URL signature inside string values. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return value.replace(JWT, '[jwt]').replace(AMZ_SIGNATURE, '$1[redacted]');
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
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
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
  };
}

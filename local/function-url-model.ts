/**
 * What a real Lambda function URL does between a client and the function, as docs/function-url.md finds it
 * (each switch names its source there). The local front applies every switch, so a test through it meets
 * what production gives; each default is what AWS is reported to do. A switch can be turned off to show what
 * a behaviour costs (`FUNCTION_URL_MODEL="remapContentLength=false,throttledBytesPerSecond=0"` for `npm start`,
 * or `functionUrlModel` in the stack's options), never to make a test pass.
 */

export interface FunctionUrlModel {
  /** RESPONSE_STREAM: a Content-Length in the prelude reaches the client renamed x-amzn-Remapped-Content-Length; the body comes chunked. */
  remapContentLength: boolean;
  /** RESPONSE_STREAM: a body sent with `Content-Encoding: gzip` is decompressed on the way and the header dropped. */
  decodeGzip: boolean;
  /** RESPONSE_STREAM: written bytes are held back until this many wait to go, or the stream ends (0: each write goes at once). */
  holdBackBytes: number;
  /** RESPONSE_STREAM: the most one stream carries; the response is cut there. */
  maxStreamBytes: number;
  /** RESPONSE_STREAM: this many bytes go at full speed… */
  fullSpeedBytes: number;
  /** …and the rest at this rate (bytes per second; 0 leaves it uncapped). */
  throttledBytesPerSecond: number;
  /** BUFFERED: the largest response the function may return (its serialised result). */
  maxBufferedResponseBytes: number;
  /** BUFFERED: the body's length replaces any Content-Length the function set (so a HEAD answer says 0). */
  bufferedLengthFromBody: boolean;
  /** Both modes: the largest event (request) Lambda accepts, serialised; larger ones get Lambda's 413. */
  maxEventBytes: number;
}

export const AWS_FUNCTION_URL: FunctionUrlModel = {
  remapContentLength: true,
  decodeGzip: true,
  holdBackBytes: 100 * 1024,
  maxStreamBytes: 200 * 1000 * 1000,
  fullSpeedBytes: 6 * 1000 * 1000,
  throttledBytesPerSecond: 2 * 1000 * 1000,
  maxBufferedResponseBytes: 6 * 1024 * 1024,
  bufferedLengthFromBody: true,
  maxEventBytes: 6_291_456,
};

const BOOLEAN = /^(true|false|on|off|1|0)$/i;

/**
 * The model with the switches a `name=value,…` list sets (the `FUNCTION_URL_MODEL` variable). An unknown name or
 * a value of the wrong kind is an error: a misspelt switch silently left on would make a test claim the wrong thing.
 */
export function functionUrlModel(spec = '', base: FunctionUrlModel = AWS_FUNCTION_URL): FunctionUrlModel {
  const model: FunctionUrlModel = { ...base };
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = entry.indexOf('=');
    const name = (equals < 0 ? entry : entry.slice(0, equals)).trim() as keyof FunctionUrlModel;
    const value = equals < 0 ? '' : entry.slice(equals + 1).trim();
    // Own names only: `in` would take `constructor` or `toString` for a switch.
    if (!Object.hasOwn(base, name))
      throw new Error(`FUNCTION_URL_MODEL: unknown switch "${name}" (known: ${Object.keys(base).join(', ')})`);
    if (typeof base[name] === 'boolean') {
      if (!BOOLEAN.test(value)) throw new Error(`FUNCTION_URL_MODEL: ${name} takes true or false, not "${value}"`);
      (model[name] as boolean) = /^(true|on|1)$/i.test(value);
    } else {
      const number = Number(value);
      if (value === '' || !Number.isSafeInteger(number) || number < 0)
        throw new Error(`FUNCTION_URL_MODEL: ${name} takes a whole number of bytes, not "${value}"`);
      (model[name] as number) = number;
    }
  }
  return model;
}

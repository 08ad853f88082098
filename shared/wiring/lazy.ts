/**
 * Handlers whose wiring is built at their first call, not when their module loads: importing a handler module
 * then reads no environment and builds no client, so a test (or a tool that only lists the handlers) imports it
 * as it is, with nothing to stub first. Lambda calls the handler once per event, so the first event of a cold
 * start builds what a module-scope build would have, and the warm calls after it reuse it.
 *
 * A wiring that cannot be built (a missing or malformed variable: `ConfigError`) is answered as any other error
 * the service means: a 500 in the caller's format (JSON for the API, S3 XML for the proxy) with the request id,
 * and one log line naming the variable; not a thrown error that the platform answers for us (API Gateway's bare
 * "Internal Server Error") and logs with its stack.
 */
import type { Context } from 'aws-lambda';
import { DependencyMisconfigured } from '../errors';
import { errorResponse } from '../http/error-mapper';
import type { HttpEvent, HttpResult } from '../http/types';
import { createLogger, type Logger } from '../log';

/** `build`'s value, built at the first call and returned by every later one. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/**
 * A port whose module (and the client it brings) is imported at the first call of any of its `methods`: in a packaged
 * function the import is a chunk of its own, parsed then and not at the cold start. A failed import is tried again at
 * the next call.
 */
export function onFirstUse<P extends object>(importPort: () => Promise<P>, methods: readonly (keyof P & string)[]): P {
  let port: Promise<P> | undefined;
  const load = () => {
    port ??= importPort().catch((error: unknown) => {
      port = undefined;
      throw error;
    });
    return port;
  };
  const forward =
    (method: keyof P & string) =>
    async (...args: unknown[]) => {
      const loaded = await load();
      return (loaded[method] as (...args: unknown[]) => unknown).apply(loaded, args);
    };
  return Object.fromEntries(methods.map((method) => [method, forward(method)])) as P;
}

/** What a handler answers when its wiring could not be built: the cause (the `ConfigError`) is logged, never answered. */
const MISCONFIGURED = 'The service is not configured correctly; an operator must look. Quote the request id if you report it.';
export const wiringFailed = (cause: unknown): DependencyMisconfigured =>
  new DependencyMisconfigured(MISCONFIGURED, 'ServiceMisconfigured', { cause });

/**
 * A port's method in a function whose wiring leaves that port out (its bundle then carries no client for it): a
 * call, a wiring mistake and never a client's doing, answers the 500 above and logs which port.
 */
export const notWired =
  (port: string) =>
  (..._args: unknown[]): Promise<never> =>
    Promise.reject(wiringFailed(new Error(`${port} is not wired in this function (shared/wiring)`)));

/** The logger of a handler that has no wiring (and so no configured logger) to log with. */
export const unwiredLogger = once((): Logger => createLogger({ service: 'volume-gateway', component: 'wiring' }));

type ApiHandler = (event: HttpEvent, context: Context, ...rest: never[]) => Promise<HttpResult>;

/** An API handler that calls the one `get` returns, asking `get` only when it is first called (again, while it throws). */
export function onFirstCall<F extends ApiHandler>(get: () => F): (...args: Parameters<F>) => ReturnType<F> {
  const handler = once(get);
  return (...args) => {
    let built: F;
    try {
      built = handler();
    } catch (error) {
      const [event, context] = args as unknown as [HttpEvent | undefined, Context | undefined];
      const requestId = event?.requestContext?.requestId || context?.awsRequestId || 'unknown';
      const log = unwiredLogger().child({ requestId, route: event?.routeKey });
      return Promise.resolve(errorResponse(wiringFailed(error), requestId, log)) as ReturnType<F>;
    }
    return Reflect.apply(built, undefined, args) as ReturnType<F>;
  };
}

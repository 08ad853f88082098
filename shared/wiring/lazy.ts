/**
 * Handlers whose wiring is built at their first call, not when their module loads: importing a handler module
 * then reads no environment and builds no client, so a test (or a tool that only lists the handlers) imports it
 * as it is, with nothing to stub first. Lambda calls the handler once per event, so the first event of a cold
 * start builds what a module-scope build would have, and the warm calls after it reuse it.
 */

/** `build`'s value, built at the first call and returned by every later one. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** A function that calls the one `get` returns, asking `get` only when it is first called. */
export function onFirstCall<F extends (...args: never[]) => unknown>(get: () => F): (...args: Parameters<F>) => ReturnType<F> {
  const handler = once(get);
  return (...args) => handler()(...args) as ReturnType<F>;
}

import { FetchError } from 'aws-jwt-verify/error';
import { type Fetcher, SimpleFetcher } from 'aws-jwt-verify/https';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * aws-jwt-verify fetches JWKS over HTTPS only. The local development issuer serves plain HTTP on
 * loopback, so this fetcher allows exactly that (when configured) and hands everything else to the
 * library's own HTTPS fetcher. It never allows plain HTTP to any other host.
 */
export function createJwksFetcher(options: { allowHttpLoopback: boolean; timeoutMs?: number }): Fetcher {
  const https = new SimpleFetcher();
  return {
    async fetch(uri, requestOptions, data) {
      const url = new URL(uri);
      if (url.protocol !== 'http:') return https.fetch(uri, requestOptions, data);
      if (!options.allowHttpLoopback || !LOOPBACK.has(url.hostname)) {
        throw new FetchError(uri, 'plain HTTP is only allowed for a loopback issuer in local development');
      }
      try {
        // No redirects: a loopback issuer must not be able to send us to another host over plain HTTP.
        const response = await fetch(uri, { redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
        if (!response.ok) throw new FetchError(uri, `status ${response.status}`);
        return await response.arrayBuffer();
      } catch (error) {
        // Refused, reset, timed out or cut short: the identity provider did not answer. As the library's own
        // fetcher does, say so with a FetchError (a 503 for the caller), never a bare network error (a 500).
        if (error instanceof FetchError) throw error;
        throw new FetchError(uri, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    },
  };
}

/**
 * `GET` and `HEAD /l/{token}`: public (no Authorization), 302 to a fresh presigned URL, or the refusal: JSON for API
 * clients, a short HTML page when the client prefers text/html. Two functions (one per method), one code path.
 */
import type { Context } from 'aws-lambda';
import { route } from '../../shared/http/route';
import { type HttpEvent, type HttpResult, ok } from '../../shared/http/types';
import { type LinkMethod, openLink } from '../../shared/links/download';
import { errorPage, prefersHtml } from '../../shared/links/html-page';
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { type LinkDownloadHandlerDeps, linkDownloadDefaults } from '../../shared/wiring/link-download';
import { specs } from './specs';

/** An error answer turned into the HTML page when the client asked for one. */
function forBrowsers(result: HttpResult, accept: string | undefined): HttpResult {
  if ((result.statusCode ?? 200) < 400 || !prefersHtml(accept) || typeof result.body !== 'string') return result;
  let parsed: { code?: string; message?: string; requestId?: string };
  try {
    parsed = JSON.parse(result.body);
  } catch {
    return result;
  }
  return {
    ...result,
    headers: { ...result.headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" },
    body: errorPage(String(parsed.code ?? 'Error'), String(parsed.message ?? ''), String(parsed.requestId ?? '')),
  };
}

export function makeHandler(method: LinkMethod) {
  return (deps: LinkDownloadHandlerDeps) => {
    const spec = method === 'GET' ? specs.download : specs.head;
    const routed = route<undefined, undefined>(spec, async (r) => {
      const url = await openLink(
        deps.download,
        r.pathParameters.token!,
        { method, sourceIp: r.event.requestContext?.http?.sourceIp, requestId: r.requestId, signal: r.signal },
        r.log,
      );
      return ok(undefined, 302, { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    })(deps);
    return async (event: HttpEvent, context: Context): Promise<HttpResult> =>
      forBrowsers(await routed(event, context), event.headers?.accept ?? event.headers?.Accept);
  };
}

const getHandler = once(() => makeHandler('GET')(linkDownloadDefaults()));
const headHandler = once(() => makeHandler('HEAD')(linkDownloadDefaults()));
export const download = onFirstCall(() => getHandler());
export const head = onFirstCall(() => headHandler());

/**
 * The API client: every page talks to the service through these functions, with the signed-in user's ID token.
 * An API error becomes an ApiError carrying the answer's `code` and `message` (what the page shows); a 401 sends
 * the user back to sign in, returning to the page they were on (once: refused again right after, the page shows the
 * API's message).
 */
import { idToken, signIn } from './auth';
import { config } from './config';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

function url(path: string, query?: Query): string {
  const target = new URL(`${config().apiUrl}${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') target.searchParams.set(name, String(value));
  }
  return target.href;
}

/** Path segments (volume ids, subjects, keys) are encoded one by one; a key's "/" stays a separator. */
export const segment = (value: string) => encodeURIComponent(value);
export const keyPath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

async function errorOf(response: Response): Promise<ApiError> {
  let body: { code?: unknown; message?: unknown; requestId?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not the API's JSON (a gateway or network page): described by its status below.
  }
  const code = typeof body.code === 'string' ? body.code : `Http${response.status}`;
  const message =
    typeof body.message === 'string' && body.message
      ? body.message
      : `The service answered HTTP ${`${response.status} ${response.statusText}`.trim()}; try again in a moment.`;
  return new ApiError(response.status, code, message, typeof body.requestId === 'string' ? body.requestId : undefined);
}

/** When a 401 last sent the user to sign in (ms), until an answer succeeds. */
const REAUTH = 'volume-gateway-console.reauth';

/**
 * True when a 401 sent the user to sign in moments ago and the new sign-in is refused too (an audience or issuer the API
 * does not take, clocks apart): the page says why instead of going round the issuer for ever. Once a minute it tries again.
 */
function refusedAgain(): boolean {
  const at = Number(sessionStorage.getItem(REAUTH));
  return at > 0 && Date.now() - at < 60_000;
}

export async function request<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  const token = idToken();
  if (!token) return signIn();
  let response: Response;
  try {
    response = await fetch(url(path, options.query), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'The service could not be reached; check your connection and try again.');
  }
  if (response.status === 401) {
    if (!refusedAgain()) {
      sessionStorage.setItem(REAUTH, String(Date.now()));
      return signIn();
    }
    const refused = await errorOf(response);
    throw new ApiError(401, refused.code, `The service refused your sign-in again: ${refused.message}`, refused.requestId);
  }
  if (response.ok) sessionStorage.removeItem(REAUTH);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, query ? { query } : {}),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body === undefined ? {} : { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body === undefined ? {} : { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

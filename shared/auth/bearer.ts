/** The bearer token of an Authorization header; apart from the verifier, so the route stack can read it without the JWT library. */
import { Unauthenticated } from '../errors';

/** Extracts the bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new Unauthenticated('MissingToken', 'Send an Authorization header: "Bearer <token>".');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new Unauthenticated('MalformedAuthorization', 'The Authorization header must be "Bearer <token>".');
  return match[1];
}

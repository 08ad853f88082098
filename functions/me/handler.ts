import { httpDefaults } from '../../shared/http/defaults';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { onFirstCall } from '../../shared/wiring/lazy';
import { specs } from './specs';

/** GET /me: who the bearer token says the caller is (never the token itself). */
export const makeHandler = route(specs.handler, ({ identity }) =>
  ok({
    subject: identity.subject,
    issuer: identity.issuer,
    ...(identity.email ? { email: identity.email } : {}),
    groups: identity.groups,
    authMethods: identity.authMethods,
    expiresAt: identity.expiresAt.toISOString(),
  }),
);

export const handler = onFirstCall(() => makeHandler(httpDefaults()));

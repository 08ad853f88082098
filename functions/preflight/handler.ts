import { publicHttpDefaults } from '../../shared/http/public-defaults';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { onFirstCall } from '../../shared/wiring/lazy';
import { specs } from './specs';

/**
 * OPTIONS on any path: CORS preflight, answered by the shared stack's CORS middleware from
 * CORS_ALLOWED_ORIGINS so the allowed origins live in one place.
 */
export const makeHandler = route<undefined, undefined>(specs.handler, () => ok(undefined, 204));

export const handler = onFirstCall(() => makeHandler(publicHttpDefaults()));

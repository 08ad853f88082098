import { publicHttpDefaults } from '../../shared/http/public-defaults';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { onFirstCall } from '../../shared/wiring/lazy';
import { specs } from './specs';

/** GET /health: no token needed; says the function is up. Load balancers and the README use it. */
export const makeHandler = route<undefined, undefined>(specs.handler, () => ok({ status: 'ok' }));

export const handler = onFirstCall(() => makeHandler(publicHttpDefaults()));

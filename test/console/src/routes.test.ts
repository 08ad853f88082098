import { describe, expect, it } from 'vitest';
import { href, parseRoute } from '../../../console/src/routes';

describe('console hash routes', () => {
  it('a hash whose percent-encoding is malformed is the not-found page, not an uncaught URIError', () => {
    expect(parseRoute('#/volumes/%E0/files')).toEqual({ page: 'not-found', hash: '#/volumes/%E0/files' });
    expect(parseRoute('#/volumes/%')).toEqual({ page: 'not-found', hash: '#/volumes/%' });
  });

  it('a route survives its own href, ids with reserved characters included', () => {
    for (const route of [
      { page: 'browse', id: 'vol a/b%', prefix: 'runs/42 ü/' },
      { page: 'members', id: 'vol-1' },
      { page: 'links', id: 'vol-1', key: 'a&b=c' },
    ] as const)
      expect(parseRoute(href(route))).toEqual(route);
  });
});

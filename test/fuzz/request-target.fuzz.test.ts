/**
 * The request target: the volume and key are the path's segments decoded exactly once (`%252e` stays `%2e`,
 * `%2F` is a slash inside the key, nothing is normalised), so what a client signed is what is checked and
 * mapped; any path or query throws nothing but a 4xx S3Refusal.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { S3Refusal } from '../../shared/proxy/errors';
import { parseQuery, parseTarget } from '../../shared/proxy/request-target';
import { uriEncode } from '../../shared/sigv4/encoding';
import { anyKey, queryPart, validKey } from './arbitraries';
import { fc } from './fuzz-config';

const volumeName = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,20}$/);

describe('parseTarget', () => {
  // The example is what the fuzz suite found: a leading U+FEFF was dropped by the UTF-8 decoder ("\uFEFFx" became "x").
  test.prop([volumeName, validKey, fc.boolean()], {
    examples: [
      ['a0', '\uFEFFx', false],
      ['\uFEFFv'.slice(1), '\uFEFF', true],
    ],
  })('decodes the key the client encoded, once, without normalising it', (volume, key, encodeSlashes) => {
    const target = parseTarget(`/${uriEncode(volume)}/${encodeSlashes ? uriEncode(key) : uriEncode(key, true)}`);
    expect(target).toEqual({ scope: 'object', volumeName: volume, key });
  });

  test.prop([volumeName, validKey])('a key encoded twice stays encoded once: %252e%252e is the key "%2e%2e", never ".."', (volume, key) => {
    const target = parseTarget(`/${volume}/${uriEncode(uriEncode(key, true), true)}`);
    expect(target.key).toBe(uriEncode(key, true));
  });

  test.prop([fc.oneof(anyKey, fc.string({ unit: 'binary', maxLength: 60 })).map((p) => (p.startsWith('/') ? p : `/${p}`))])(
    'any raw path is a target or a 400 InvalidURI',
    (rawPath) => {
      try {
        const target = parseTarget(rawPath.replace(/[\ud800-\udfff]/g, ''));
        expect(['service', 'bucket', 'object']).toContain(target.scope);
      } catch (error) {
        expect(error).toBeInstanceOf(S3Refusal);
        expect((error as S3Refusal).status).toBe(400);
      }
    },
  );
});

describe('parseQuery', () => {
  test.prop([
    fc.array(
      fc.tuple(
        queryPart.filter((n) => n !== '' && n !== 'x-id' && !/^x-amz-/i.test(n)),
        queryPart,
      ),
      { maxLength: 6 },
    ),
  ])('round trips encoded pairs, in order, without signing parameters', (pairs) => {
    const clean = pairs
      .map(([n, v]) => [n.replace(/[\ud800-\udfff]/g, 'x'), v.replace(/[\ud800-\udfff]/g, 'x')] as [string, string])
      .filter(([n]) => n !== 'x-id' && !/^x-amz-/i.test(n));
    const raw = [...clean.map(([n, v]) => `${uriEncode(n)}=${uriEncode(v)}`), 'X-Amz-Signature=abc', 'x-id=GetObject'].join('&');
    expect(parseQuery(raw)).toEqual(clean);
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 200 })])('never throws on any raw query', (raw) => {
    expect(() => parseQuery(raw)).not.toThrow();
  });
});

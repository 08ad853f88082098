/**
 * The key mapping: whatever a client names (unicode, control characters, `..`, `/`, `%`, the root's own
 * spelling, very long), the real key S3 gets starts with the volume's root, literally (S3 keys are plain
 * strings: a literal prefix check on the final key is what "inside the volume" means), and maps back to the
 * client's key; listing parameters never reach beyond the root; refusals are 4xx S3Refusals, nothing else.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { S3Refusal } from '../../shared/proxy/errors';
import { clientKey, clientKeyEncoded, MAX_KEY_BYTES, realKey, realPrefix, rootOf } from '../../shared/proxy/keys';
import { OPERATIONS } from '../../shared/proxy/operations';
import { upstreamQuery } from '../../shared/proxy/upstream-request';
import { uriEncode } from '../../shared/sigv4/encoding';
import { anyKey, queryPart, volumePrefix } from './arbitraries';
import { fc } from './fuzz-config';

function mapped(volume: { prefix: string }, key: string): string | S3Refusal {
  try {
    return realKey(volume, key);
  } catch (error) {
    if (error instanceof S3Refusal) return error;
    throw error;
  }
}

describe('realKey', () => {
  test.prop([anyKey, volumePrefix])('is the root followed by the key, or a 4xx refusal: never a key outside the root', (key, prefix) => {
    const volume = { prefix };
    const real = mapped(volume, key);
    if (real instanceof S3Refusal) {
      expect(real.status).toBe(400);
      expect(['InvalidArgument', 'KeyTooLongError']).toContain(real.s3Code);
      return;
    }
    expect(real.startsWith(rootOf(volume))).toBe(true);
    expect(real).toBe(rootOf(volume) + key);
    expect(Buffer.byteLength(real)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(real.split('/').some((s) => s === '.' || s === '..')).toBe(false);
    expect(clientKey(volume, real)).toBe(key);
  });

  test.prop([anyKey, volumePrefix])('maps back from S3’s URL-encoded listings, in either encoding style', (key, prefix) => {
    const volume = { prefix };
    const real = mapped(volume, key);
    fc.pre(typeof real === 'string' && !/[\ud800-\udfff]/.test(real));
    const percent = uriEncode(real as string, true);
    expect(clientKeyEncoded(volume, percent)).toBe(uriEncode(key, true));
    const plus = percent.replace(/%20/g, '+');
    const back = clientKeyEncoded(volume, plus);
    expect(back).toBeDefined();
    expect(decodeURIComponent(back!.replace(/\+/g, ' '))).toBe(key);
  });
});

describe('listing parameters', () => {
  const listings = ['ListObjects', 'ListObjectsV2', 'ListMultipartUploads'] as const;
  test.prop([
    fc.constantFrom(...listings),
    fc.array(
      fc.tuple(
        fc.constantFrom('prefix', 'marker', 'start-after', 'key-marker', 'delimiter', 'continuation-token'),
        fc.oneof(fc.string({ maxLength: 12 }), queryPart, fc.constant('')),
      ),
      { maxLength: 5 },
    ),
    volumePrefix,
  ])('always carry a prefix, and every key-naming one, under the root', (name, query, prefix) => {
    const volume = { prefix };
    // Parameters an operation does not take are refused before this (classify); the rest are forwarded.
    const out = upstreamQuery(
      OPERATIONS[name],
      volume,
      query.filter(([n]) => OPERATIONS[name].params.includes(n)),
    );
    const root = rootOf(volume);
    const prefixes = out.filter(([n]) => n === 'prefix');
    if (root !== '') expect(prefixes.length).toBeGreaterThan(0);
    for (const [, value] of prefixes) expect(value.startsWith(root)).toBe(true);
    for (const [n, value] of out)
      if (['marker', 'start-after', 'key-marker'].includes(n) && value !== '') expect(value.startsWith(root)).toBe(true);
    expect(realPrefix(volume, undefined)).toBe(root);
  });
});

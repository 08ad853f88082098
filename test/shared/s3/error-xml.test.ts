/**
 * Error documents through the proxy's core (the local S3 behind it) are well-formed XML 1.0 when the request
 * named a key or a volume with control characters: every client, strict parsers included, gets the error's code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyText, type ProxyWorld, proxyWorld } from '../proxy/world';
import { encode } from '../sigv4/helpers';
import { parseStrict, strictText } from './strict-xml';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

describe('an error about a name with control characters', () => {
  it('from S3 (NoSuchKey for a key holding U+0001 and U+001F) is well-formed XML with the key as XML can carry it', async () => {
    const response = await w.send({ path: `/shared-genomes/${encode('bad\x01key\x1f\r.txt')}` });
    expect(response.status).toBe(404);
    const xml = await bodyText(response);
    expect(strictText(xml, 'Error/Code')).toBe('NoSuchKey');
    expect(strictText(xml, 'Error/Key')).toBe('bad\uFFFDkey\uFFFD\r.txt');
  });

  it('from the proxy itself (NoSuchBucket for a volume name holding U+0001) is well-formed XML', async () => {
    const response = await w.send({ path: `/${encode('vol\x01\x02')}/key` });
    expect(response.status).toBe(404);
    const xml = await bodyText(response);
    expect(() => parseStrict(xml)).not.toThrow();
    expect(strictText(xml, 'Error/Code')).toBe('NoSuchBucket');
    expect(strictText(xml, 'Error/BucketName')).toBe('vol\uFFFD\uFFFD');
  });
});

import { describe, expect, it } from 'vitest';
import { parseQuery, parseTarget } from '../../../shared/proxy/request-target';

describe('what a request names', () => {
  it('is the service at "/", a volume at "/vol" or "/vol/", an object below', () => {
    expect(parseTarget('/')).toEqual({ scope: 'service' });
    expect(parseTarget('/genomes')).toEqual({ scope: 'bucket', volumeName: 'genomes' });
    expect(parseTarget('/genomes/')).toEqual({ scope: 'bucket', volumeName: 'genomes' });
    expect(parseTarget('/genomes/a/b.txt')).toEqual({ scope: 'object', volumeName: 'genomes', key: 'a/b.txt' });
  });

  it('decodes the key exactly once and never normalises it', () => {
    expect(parseTarget('/v/a%20b%2Bc+d%3De%25f').key).toBe('a b+c+d=e%f');
    expect(parseTarget('/v/a//b/').key).toBe('a//b/');
    expect(parseTarget('/v/a%2Fb').key).toBe('a/b');
    expect(parseTarget('/v/%C3%A9t%C3%A9/%E2%9C%93').key).toBe('été/✓');
    expect(parseTarget('/v/%2525').key).toBe('%25');
    expect(parseTarget('/v//leading').key).toBe('/leading');
    expect(parseTarget('/v/v/v').key).toBe('v/v');
  });

  it('refuses paths that are not UTF-8 or not absolute with InvalidURI', () => {
    expect(() => parseTarget('/v/%FF%FE')).toThrow(expect.objectContaining({ s3Code: 'InvalidURI', status: 400 }));
    expect(() => parseTarget('http://evil/v/k')).toThrow(expect.objectContaining({ s3Code: 'InvalidURI' }));
  });

  it('reads the query decoded, without signing parameters and the SDK’s x-id', () => {
    expect(parseQuery('list-type=2&prefix=a%20b%2B&x-id=ListObjectsV2&X-Amz-Signature=abc&X-Amz-Credential=k%2F1&uploads')).toEqual([
      ['list-type', '2'],
      ['prefix', 'a b+'],
      ['uploads', ''],
    ]);
  });
});

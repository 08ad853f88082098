import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, type Harness, harness, putObject, textOf, type Xml, xmlOf } from './helpers';

/** 2,500 keys: 10 top-level "dirs" × 5 sub-dirs × 50 files, so delimiters roll up at two levels. */
const KEYS: string[] = [];
for (let d = 0; d < 10; d++)
  for (let s = 0; s < 5; s++) for (let f = 0; f < 50; f++) KEYS.push(`dir${d}/sub${s}/file${String(f).padStart(3, '0')}.txt`);
const SORTED = [...KEYS].sort();

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('object listings', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await createBucket(h, 'big');
    // Insert in a scrambled order: the index, not insertion order, must decide listing order.
    const scrambled = [...KEYS].sort((a, b) => (a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1));
    for (let i = 0; i < scrambled.length; i += 50) await Promise.all(scrambled.slice(i, i + 50).map((k) => putObject(h, 'big', k, k)));
  }, 120_000);
  afterAll(() => h.cleanup());

  async function listV2(query: string): Promise<Xml> {
    const response = await h.send({ path: '/big', query: `list-type=2&${query}` });
    expect(response.status).toBe(200);
    return (await xmlOf(response)).ListBucketResult;
  }

  async function listV1(query: string): Promise<Xml> {
    const response = await h.send({ path: '/big', query });
    expect(response.status).toBe(200);
    return (await xmlOf(response)).ListBucketResult;
  }

  it('pages through 2,500 keys with V2 continuation tokens, in order, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listV2(`max-keys=333${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`);
      pages++;
      const keys = asArray(page.Contents).map((c: Xml) => c.Key);
      expect(Number(page.KeyCount)).toBe(keys.length);
      seen.push(...keys);
      token = page.IsTruncated === 'true' ? page.NextContinuationToken : undefined;
      if (page.IsTruncated === 'true') expect(keys).toHaveLength(333);
    } while (token);
    expect(pages).toBe(Math.ceil(2500 / 333));
    expect(seen).toEqual(SORTED);
  });

  it('caps max-keys at 1000', async () => {
    const page = await listV2('max-keys=5000');
    expect(asArray(page.Contents)).toHaveLength(1000);
    expect(page.MaxKeys).toBe('1000');
    expect(page.IsTruncated).toBe('true');
  });

  it('pages through 2,500 keys with V1 markers (the last key, as clients do without a delimiter)', async () => {
    const seen: string[] = [];
    let marker = '';
    for (;;) {
      const page = await listV1(`max-keys=400&marker=${encodeURIComponent(marker)}`);
      const keys = asArray(page.Contents).map((c: Xml) => c.Key);
      expect(page.NextMarker).toBeUndefined();
      seen.push(...keys);
      if (page.IsTruncated !== 'true') break;
      marker = keys[keys.length - 1];
    }
    expect(seen).toEqual(SORTED);
  });

  it('rolls keys up into common prefixes under a delimiter', async () => {
    const top = await listV2('delimiter=/');
    expect(asArray(top.Contents)).toHaveLength(0);
    expect(asArray(top.CommonPrefixes).map((p: Xml) => p.Prefix)).toEqual(Array.from({ length: 10 }, (_, d) => `dir${d}/`));
    expect(top.KeyCount).toBe('10');
    const inner = await listV2('prefix=dir3/&delimiter=/');
    expect(asArray(inner.CommonPrefixes).map((p: Xml) => p.Prefix)).toEqual(Array.from({ length: 5 }, (_, s) => `dir3/sub${s}/`));
    const leaf = await listV2('prefix=dir3/sub2/&delimiter=/');
    expect(asArray(leaf.Contents)).toHaveLength(50);
    expect(leaf.CommonPrefixes).toBeUndefined();
  });

  it('pages over common prefixes and keys together, V2 and V1, without repeating a prefix', async () => {
    const v2: string[] = [];
    let token: string | undefined;
    do {
      const page = await listV2(
        `prefix=dir1/&delimiter=sub3/&max-keys=7${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`,
      );
      v2.push(...asArray(page.CommonPrefixes).map((p: Xml) => `P:${p.Prefix}`), ...asArray(page.Contents).map((c: Xml) => c.Key));
      token = page.IsTruncated === 'true' ? page.NextContinuationToken : undefined;
    } while (token);
    const expected = [...SORTED.filter((k) => k.startsWith('dir1/') && !k.startsWith('dir1/sub3/')), 'P:dir1/sub3/'].sort((a, b) =>
      a.replace('P:', '') < b.replace('P:', '') ? -1 : 1,
    );
    expect([...v2].sort((a, b) => (a.replace('P:', '') < b.replace('P:', '') ? -1 : 1))).toEqual(expected);
    expect(new Set(v2).size).toBe(v2.length);

    const v1: string[] = [];
    let marker = '';
    for (;;) {
      const page = await listV1(`delimiter=/&max-keys=3&marker=${encodeURIComponent(marker)}`);
      v1.push(...asArray(page.CommonPrefixes).map((p: Xml) => p.Prefix));
      if (page.IsTruncated !== 'true') break;
      expect(page.NextMarker).toBeDefined();
      marker = page.NextMarker;
    }
    expect(v1).toEqual(Array.from({ length: 10 }, (_, d) => `dir${d}/`));
  });

  it('starts V2 listings after start-after and echoes it', async () => {
    const page = await listV2('start-after=dir9/sub4/file047.txt');
    expect(asArray(page.Contents).map((c: Xml) => c.Key)).toEqual(['dir9/sub4/file048.txt', 'dir9/sub4/file049.txt']);
    expect(page.StartAfter).toBe('dir9/sub4/file047.txt');
  });

  it('shows Owner in V2 only with fetch-owner=true, and always in V1', async () => {
    expect(asArray((await listV2('max-keys=1')).Contents)[0].Owner).toBeUndefined();
    expect(asArray((await listV2('max-keys=1&fetch-owner=true')).Contents)[0].Owner.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(asArray((await listV1('max-keys=1')).Contents)[0].Owner.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports an empty, untruncated page for max-keys=0', async () => {
    const page = await listV2('max-keys=0');
    expect(page.KeyCount).toBe('0');
    expect(page.IsTruncated).toBe('false');
  });

  it('refuses a max-keys that is not a non-negative integer and a forged continuation token', async () => {
    for (const query of [
      'list-type=2&max-keys=-1',
      'list-type=2&max-keys=abc',
      'list-type=2&continuation-token=bm9wZQ',
      'list-type=2&encoding-type=base64',
    ]) {
      const response = await h.send({ path: '/big', query });
      expect(response.status, query).toBe(400);
      expect(await textOf(response)).toContain('<Code>InvalidArgument</Code>');
    }
  });
});

describe('listing details', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await createBucket(h, 'detail');
  });
  afterAll(() => h.cleanup());

  it('orders keys in UTF-8 byte order, not UTF-16 order', async () => {
    // U+FF61 sorts before U+1F600 in UTF-8, after it in UTF-16 code units.
    const keys = ['a', '\uff61', '😀', 'z', 'é'];
    for (const key of keys) await putObject(h, 'detail', key, key);
    const page = (await xmlOf(await h.send({ path: '/detail', query: 'list-type=2' }))).ListBucketResult;
    expect(asArray(page.Contents).map((c: Xml) => c.Key)).toEqual(['a', 'z', 'é', '\uff61', '😀']);
  });

  it('url-encodes Key, Prefix, Delimiter and StartAfter with encoding-type=url, keeping / and telling space from +', async () => {
    await putObject(h, 'detail', 'enc dir/a b+c%.txt', 'x');
    await putObject(h, 'detail', 'enc dir/sub dir/x', 'x');
    const response = await h.send({
      path: '/detail',
      query: 'list-type=2&encoding-type=url&prefix=enc%20dir/&delimiter=/&start-after=enc%20dir/',
    });
    const page = (await xmlOf(response)).ListBucketResult;
    expect(page.EncodingType).toBe('url');
    expect(page.Prefix).toBe('enc%20dir/');
    expect(page.StartAfter).toBe('enc%20dir/');
    expect(asArray(page.Contents).map((c: Xml) => c.Key)).toEqual(['enc%20dir/a%20b%2Bc%25.txt']);
    expect(asArray(page.CommonPrefixes).map((p: Xml) => p.Prefix)).toEqual(['enc%20dir/sub%20dir/']);
  });
});

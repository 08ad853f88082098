import { describe, expect, it } from 'vitest';
import { compareKeys, SortedKeys } from '../../../../local/aws/s3/key-order';
import { listPage } from '../../../../local/aws/s3/listing';

describe('key order', () => {
  it('sorts like UTF-8 bytes', () => {
    const keys = ['😀', '\uffff', 'é', 'e', 'E', '', 'a/b', 'a-b', 'a', '\ue000', '\u{10ffff}'];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });

  it('keeps a sorted set through adds and deletes', () => {
    const set = SortedKeys.empty();
    for (const key of ['m', 'c', 'x', 'c', 'a']) set.add(key);
    set.delete('x');
    set.delete('nope');
    expect(set.items).toEqual(['a', 'c', 'm']);
    expect(set.lowerBound('c')).toBe(1);
    expect(set.upperBound('c')).toBe(2);
  });
});

describe('listPage', () => {
  const keys = ['a/1', 'a/2', 'b', 'c/1', 'c/2', 'd'];

  it('counts keys and common prefixes together against maxKeys', () => {
    const page = listPage(keys, (k) => k, { prefix: '', delimiter: '/', start: 0, marker: undefined, maxKeys: 2 });
    expect(page).toEqual({ contents: ['b'], commonPrefixes: ['a/'], isTruncated: true, last: 'b' });
  });

  it('resumes after a common prefix without repeating it', () => {
    const page = listPage(keys, (k) => k, { prefix: '', delimiter: '/', start: 1, marker: 'a/', maxKeys: 10 });
    expect(page.commonPrefixes).toEqual(['c/']);
    expect(page.contents).toEqual(['b', 'd']);
    expect(page.isTruncated).toBe(false);
  });

  it('is not truncated when the last item exactly fills the page', () => {
    const page = listPage(keys, (k) => k, { prefix: 'c/', delimiter: '', start: 3, marker: undefined, maxKeys: 2 });
    expect(page).toEqual({ contents: ['c/1', 'c/2'], commonPrefixes: [], isTruncated: false, last: 'c/2' });
  });
});

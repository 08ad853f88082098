import { describe, expect, it } from 'vitest';
import { objectKey } from '../../../shared/vending/keys';

const volume = { prefix: 'runs/2025' };
const whole = { prefix: '' };

describe('object keys', () => {
  const good: Array<[string, string]> = [
    ['sample.fastq.gz', 'runs/2025/sample.fastq.gz'],
    ['reads/sample 1.fastq.gz', 'runs/2025/reads/sample 1.fastq.gz'],
    ['a+b=c', 'runs/2025/a+b=c'],
    ['100%/done', 'runs/2025/100%/done'],
    ['%2e%2e/encoded-dots-are-just-text', 'runs/2025/%2e%2e/encoded-dots-are-just-text'],
    ['données/échantillon-α.txt', 'runs/2025/données/échantillon-α.txt'],
    ['emoji/🧬.txt', 'runs/2025/emoji/🧬.txt'],
    ['double//slash', 'runs/2025/double//slash'],
    ['folder/', 'runs/2025/folder/'],
    ['...', 'runs/2025/...'],
    ['.hidden/..dots..', 'runs/2025/.hidden/..dots..'],
    ['back\\slash', 'runs/2025/back\\slash'],
    [' leading and trailing spaces ', 'runs/2025/ leading and trailing spaces '],
    ['*?$', 'runs/2025/*?$'],
    ['/leading-slash', 'runs/2025//leading-slash'],
    ['a\nnewline', 'runs/2025/a\nnewline'],
    ['nul\u0000and-del\u007f', 'runs/2025/nul\u0000and-del\u007f'],
  ];
  it.each(good)('keeps %j exactly under the prefix', (key, full) => {
    expect(objectKey(volume, key)).toBe(full);
  });

  it('a volume of the whole bucket puts nothing in front', () => {
    expect(objectKey(whole, 'a/b c')).toBe('a/b c');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['empty', '', /must not be empty/],
    ['a .. segment', '../other-volume/x', /"\." or "\.\." segments/],
    ['a .. segment in the middle', 'a/../../b', /"\." or "\.\." segments/],
    ['a trailing .. segment', 'a/..', /"\." or "\.\." segments/],
    ['a . segment', './a', /"\." or "\.\." segments/],
    ['a . segment after //', 'a//./b', /"\." or "\.\." segments/],
    ['a lone surrogate', 'a\ud800b', /not valid Unicode/],
    ['over 1024 bytes on its own', 'k'.repeat(1025), /1025 bytes long/],
    ['over 1024 bytes in UTF-8', 'é'.repeat(513), /1026 bytes long/],
  ];
  it.each(bad)('refuses %s with InvalidKey (400) naming key', (_what, key, message) => {
    expect(() => objectKey(volume, key)).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidKey', details: { field: 'key' }, message: expect.stringMatching(message) }),
    );
  });

  it("counts the prefix in S3's 1,024-byte limit", () => {
    const room = 1024 - 'runs/2025/'.length;
    expect(objectKey(volume, 'k'.repeat(room))).toHaveLength(1024);
    expect(() => objectKey(volume, 'k'.repeat(room + 1))).toThrow(
      expect.objectContaining({ code: 'InvalidKey', message: expect.stringMatching(/this volume are at most 1014 bytes/) }),
    );
    expect(objectKey(whole, 'k'.repeat(1024))).toHaveLength(1024);
  });

  it('refuses a key that is not a string', () => {
    expect(() => objectKey(volume, 42 as unknown as string)).toThrow(expect.objectContaining({ code: 'InvalidKey' }));
  });
});

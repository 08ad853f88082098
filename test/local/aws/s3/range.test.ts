import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../../local/aws/s3/range';
import { AwsError } from '../../../../local/aws/types';

describe('parseRange', () => {
  it('reads the three forms S3 supports', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=3-', 10)).toEqual({ start: 3, end: 9 });
    expect(parseRange('bytes=-4', 10)).toEqual({ start: 6, end: 9 });
    expect(parseRange('bytes=5-500', 10)).toEqual({ start: 5, end: 9 });
  });

  it('ignores what it does not understand', () => {
    for (const header of [undefined, 'bytes=', 'bytes=-', 'bytes=4-2', 'bytes=0-1,3-4', 'lines=0-1', 'bytes=a-b'])
      expect(parseRange(header, 10), String(header)).toBeUndefined();
  });

  it('throws 416 InvalidRange for ranges that cannot be satisfied', () => {
    for (const header of ['bytes=10-', 'bytes=10-20', 'bytes=-0']) {
      expect(() => parseRange(header, 10)).toThrow(AwsError);
      try {
        parseRange(header, 10);
      } catch (error) {
        expect((error as AwsError).status).toBe(416);
        expect((error as AwsError).code).toBe('InvalidRange');
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { attachmentDisposition, filenameProblem } from '../../../shared/vending/content-disposition';

describe('download file names (RFC 6266)', () => {
  it('a plain ASCII name goes in filename alone', () => {
    expect(attachmentDisposition('reads 1.fastq.gz')).toBe('attachment; filename="reads 1.fastq.gz"');
  });

  it('a non-ASCII name also gets filename* in UTF-8, with an ASCII stand-in', () => {
    expect(attachmentDisposition('échantillon α.txt')).toBe(
      `attachment; filename="_chantillon _.txt"; filename*=UTF-8''%C3%A9chantillon%20%CE%B1.txt`,
    );
    expect(attachmentDisposition('🧬.fa')).toBe(`attachment; filename="_.fa"; filename*=UTF-8''%F0%9F%A7%AC.fa`);
  });

  it('quotes, backslashes and percent signs never reach the quoted string', () => {
    expect(attachmentDisposition('say "hi"\\100%.txt')).toBe(
      `attachment; filename="say _hi__100_.txt"; filename*=UTF-8''say%20%22hi%22%5C100%25.txt`,
    );
  });

  it("encodes what RFC 8187 does not allow unencoded (encodeURIComponent would leave ' ( ) *)", () => {
    expect(attachmentDisposition("it's (1)*.txt")).toBe(`attachment; filename="it's (1)*.txt"`);
    expect(attachmentDisposition("it's (1)* é.txt")).toMatch(/filename\*=UTF-8''it%27s%20%281%29%2A%20%C3%A9\.txt$/);
  });

  it('refuses empty, overlong and control-character names', () => {
    expect(filenameProblem('')).toMatch(/empty/);
    expect(filenameProblem('x'.repeat(256))).toMatch(/255/);
    expect(filenameProblem('a\r\nSet-Cookie: x')).toMatch(/control/);
    expect(filenameProblem('ok.txt')).toBeUndefined();
  });
});

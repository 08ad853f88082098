import { describe, expect, it } from 'vitest';
import { clientKey, clientKeyEncoded, realKey, realPrefix, rootOf } from '../../../shared/proxy/keys';

const volume = { prefix: 'runs/2025' };
const whole = { prefix: '' };

describe('key mapping', () => {
  it('puts every key under the volume root and nowhere else', () => {
    expect(rootOf(volume)).toBe('runs/2025/');
    expect(realKey(volume, 'a b/c+d=e%f.txt')).toBe('runs/2025/a b/c+d=e%f.txt');
    expect(realKey(volume, '/x')).toBe('runs/2025//x');
    expect(realKey(volume, 'x//y/')).toBe('runs/2025/x//y/');
    expect(realKey(volume, 'runs/2025/lab-genomes/x')).toBe('runs/2025/runs/2025/lab-genomes/x');
    expect(realKey(whole, 'x')).toBe('x');
  });

  it('refuses "." and ".." segments, which tools between client and S3 may resolve', () => {
    for (const key of ['../other/x', 'a/./b', 'a/..', '.'])
      expect(() => realKey(volume, key)).toThrow(expect.objectContaining({ s3Code: 'InvalidArgument' }));
    expect(realKey(volume, 'a..b/.c/..d')).toBe('runs/2025/a..b/.c/..d');
  });

  it('refuses keys over S3’s 1,024 bytes once the root is in front, with KeyTooLongError', () => {
    const room = 1024 - 'runs/2025/'.length;
    expect(realKey(volume, 'k'.repeat(room))).toHaveLength(1024);
    expect(() => realKey(volume, 'k'.repeat(room + 1))).toThrow(expect.objectContaining({ s3Code: 'KeyTooLongError', status: 400 }));
    expect(() => realKey(volume, 'é'.repeat(room / 2 + 1))).toThrow(expect.objectContaining({ s3Code: 'KeyTooLongError' }));
  });

  it('moves listing parameters under the root', () => {
    expect(realPrefix(volume, undefined)).toBe('runs/2025/');
    expect(realPrefix(volume, 'a/')).toBe('runs/2025/a/');
    expect(realPrefix(whole, 'a/')).toBe('a/');
  });

  it('maps S3’s keys back, and knows a key outside the root is not the volume’s', () => {
    expect(clientKey(volume, 'runs/2025/x/y')).toBe('x/y');
    expect(clientKey(volume, 'runs/2025/')).toBe('');
    expect(clientKey(volume, 'runs/2025-other/x')).toBeUndefined();
    expect(clientKey(whole, 'x')).toBe('x');
  });

  it('maps URL-encoded keys back keeping S3’s own encoding of the rest, either style of space', () => {
    const spaced = { prefix: 'my runs/é+1' };
    expect(clientKeyEncoded(spaced, 'my%20runs/%C3%A9%2B1/a%20b%2Bc')).toBe('a%20b%2Bc');
    expect(clientKeyEncoded(spaced, 'my+runs/%c3%a9%2B1/a+b%2Bc')).toBe('a+b%2Bc');
    expect(clientKeyEncoded(spaced, 'my%20runs%2F%C3%A9%2B1%2Fx')).toBe('x');
    expect(clientKeyEncoded(spaced, 'my%20runs/%C3%A9%2B2/x')).toBeUndefined();
    expect(clientKeyEncoded(volume, 'runs/2025')).toBeUndefined();
    expect(clientKeyEncoded(whole, 'a%20b')).toBe('a%20b');
  });
});

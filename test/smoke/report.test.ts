import { describe, expect, it } from 'vitest';
import { Report } from '../../smoke/report';

describe('the smoke report', () => {
  const collect = () => {
    const lines: string[] = [];
    return { lines, report: new Report((line) => lines.push(line)) };
  };

  it('prints one line per check with outcome, endpoint, client, check and detail, and a PASS verdict when nothing failed', () => {
    const { lines, report } = collect();
    report.pass('node', 'boto3', 'head-size', '10 bytes, 10 stored');
    report.skip('function-url', 'rclone', 'put-multipart', 'no 5 MiB part fits');
    report.verdict();
    expect(lines).toEqual([
      'PASS  node          boto3     head-size         10 bytes, 10 stored',
      'SKIP  function-url  rclone    put-multipart     skipped: no 5 MiB part fits',
      'VERDICT: PASS (1 passed, 0 failed, 1 skipped)',
    ]);
    expect(report.failed).toBe(0);
  });

  it('gives a FAIL verdict when one check failed', () => {
    const { lines, report } = collect();
    report.pass('node', 'js-sdk', 'get-whole', 'ok');
    report.fail('node', 'aws-cli', 'get-whole', "exit 1: fatal error: 'ContentLength'");
    report.verdict();
    expect(lines.at(-1)).toBe('VERDICT: FAIL (1 passed, 1 failed, 0 skipped)');
    expect(report.failed).toBe(1);
  });

  it('never prints a redacted secret, keeps a detail on one line and cuts it at 200 characters', () => {
    const { lines, report } = collect();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    report.redact(secret, 'eyJhbGciOiJSUzI1NiJ9.token');
    report.fail('api', '-', 'volume', `refused eyJhbGciOiJSUzI1NiJ9.token\nwith ${secret} ${'x'.repeat(300)}`);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    expect(lines[0]).toContain('refused [redacted] with [redacted] xxx');
    expect(lines).toHaveLength(1);
    expect(report.results[0]!.detail).toHaveLength(200);
  });
});

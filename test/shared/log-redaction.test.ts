import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, redact, redactText, setLogSink } from '../../shared/log';

const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6InZnIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const gatewaySecret = randomBytes(30).toString('base64');
const sessionToken = `IQoJb3JpZ2luX2VjE${randomBytes(300).toString('base64')}`;
const presigned =
  'https://bucket.s3.us-east-1.amazonaws.com/data/a.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&' +
  'X-Amz-Credential=ASIAEXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&' +
  'X-Amz-Security-Token=IQoJb3JpZ2lu%2Fabc&X-Amz-SignedHeaders=host&' +
  'X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function logged(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  createLogger({}, { write: (line) => lines.push(line) }).info('event', fields);
  return lines.join('\n');
}

describe('log redaction', () => {
  it('masks secret fields by name, whatever their value', () => {
    const out = logged({
      SecretAccessKey: 'short',
      SessionToken: 'x',
      secret: 'y',
      password: 'p',
      authorization: 'AWS4-HMAC-SHA256 …',
      'x-amz-security-token': 't',
      masterKey: 'm',
      cookie: 'c',
    });
    expect(JSON.parse(out)).toMatchObject({
      SecretAccessKey: '[redacted]',
      SessionToken: '[redacted]',
      secret: '[redacted]',
      password: '[redacted]',
      authorization: '[redacted]',
      'x-amz-security-token': '[redacted]',
      masterKey: '[redacted]',
      cookie: '[redacted]',
    });
  });

  it('masks JWTs and bearer tokens inside any text', () => {
    const out = logged({ reason: `token ${jwt} refused`, header: `Bearer ${jwt}`, note: 'Bearer opaque-token-value' });
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('opaque-token-value');
    expect(out).toContain('[jwt]');
  });

  it('masks vended secret keys and session tokens by shape, under innocent field names', () => {
    const out = logged({ detail: { a: secretKey, b: sessionToken }, message2: `keys ${gatewaySecret} and ${sessionToken}` });
    expect(out).not.toContain(secretKey);
    expect(out).not.toContain(gatewaySecret);
    expect(out).not.toContain(sessionToken.slice(20, 120));
  });

  it("masks presigned URLs' signature, credential and security token, keeping the rest of the URL", () => {
    const text = redactText(presigned);
    expect(text).not.toContain('0123456789abcdef0123456789abcdef');
    expect(text).not.toContain('ASIAEXAMPLE');
    expect(text).not.toContain('IQoJb3JpZ2lu');
    expect(text).toContain('X-Amz-Signature=[redacted]');
    expect(text).toContain('https://bucket.s3.us-east-1.amazonaws.com/data/a.csv?');
  });

  it('masks the value of any URL query parameter whose name says secret, in a field named url, keeping the rest', () => {
    const out = JSON.parse(
      logged({ url: 'https://idp.example/cb?state=s1&access_token=opaque-value-1&client_secret=opaque-value-2;password=opaque-value-3#f' }),
    );
    expect(out.url).toBe('https://idp.example/cb?state=s1&access_token=[redacted]&client_secret=[redacted];password=[redacted]#f');
  });

  it('logs a Date as its ISO time and a URL as its text (masked), not as {}', () => {
    const out = JSON.parse(logged({ when: new Date(0), endpoint: new URL('https://idp.example/authorize?id_token=opaque-value-4&x=1') }));
    expect(out).toMatchObject({ when: '1970-01-01T00:00:00.000Z', endpoint: 'https://idp.example/authorize?id_token=[redacted]&x=1' });
  });

  it("masks a SigV4 Authorization header's credential and signature inside text", () => {
    const text = redactText(
      'AWS4-HMAC-SHA256 Credential=VGAKABCDEFGHIJKLMNOP/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, ' +
        'Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
    );
    expect(text).not.toContain('fe5f80f77d5f');
    expect(text).not.toContain('VGAKABCDEFGHIJKLMNOP');
  });

  it('leaves ordinary values alone: ids, keys, hashes, routes', () => {
    const fields = {
      requestId: '3f2a9c1e-77b0-4c1e-9d55-0a1b2c3d4e5f',
      accessKeyId: 'VGAKABCDEFGHIJKLMNOP',
      key: 'runs/2025/sample-01/reads_R1.fastq.gz',
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
      commit: '94194a4c0d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90',
      route: 'POST /volumes/{id}/credentials',
      status: 403,
    };
    expect(redact(fields)).toEqual(fields);
  });

  it("masks secrets in a child logger's fields and in the call's fields (the formatter redacts every line)", () => {
    const lines: string[] = [];
    const child = createLogger({ service: 'volume-gateway' }, { write: (line) => lines.push(line) }).child({
      requestId: 'r1',
      caller: `Bearer ${jwt}`,
    });
    child.warn('refused', { detail: { presented: jwt } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(jwt);
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: 'r1', caller: 'Bearer [redacted]', detail: { presented: '[jwt]' } });
  });

  it('masks error messages that carry secrets', () => {
    const out = logged({ error: new Error(`STS said no to ${jwt}`) });
    expect(out).not.toContain(jwt);
  });
});

describe('log sink', () => {
  let undo: (() => void) | undefined;
  afterEach(() => undo?.());

  it("sends lines of loggers without their own writer to the process's sink", () => {
    const lines: string[] = [];
    undo = setLogSink((line) => lines.push(line));
    createLogger({ service: 'volume-gateway' }).info('hello', { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', message: 'hello', service: 'volume-gateway', n: 1 });
  });

  it("writes the same line shape as ever: level, time, message, then the bound and the call's fields, nulls and empties kept", () => {
    // `service` and `timestamp` are names Powertools reserves for itself: ours still pass.
    const lines: string[] = [];
    const log = createLogger({ service: 'volume-gateway', stage: 'dev' }, { write: (line) => lines.push(line), now: () => new Date(0) });
    log.child({ requestId: 'r1' }).error('failed', { status: 502, cause: null, note: '', timestamp: 't' });
    expect(lines[0]).toBe(
      '{"level":"error","time":"1970-01-01T00:00:00.000Z","message":"failed","service":"volume-gateway","stage":"dev",' +
        '"requestId":"r1","status":502,"cause":null,"note":"","timestamp":"t"}',
    );
  });

  it("drops lines below the logger's level; its level option wins over POWERTOOLS_LOG_LEVEL, which applies without one", () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    try {
      const lines: string[] = [];
      const write = (line: string) => lines.push(line);
      const warnLevel = createLogger({}, { level: 'warn', write });
      warnLevel.info('dropped');
      warnLevel.child({ requestId: 'r1' }).warn('kept');
      const fromEnv = createLogger({}, { write });
      fromEnv.warn('dropped too');
      fromEnv.error('kept too');
      expect(lines.map((line) => JSON.parse(line).message)).toEqual(['kept', 'kept too']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("exposes a logger's bound fields", () => {
    expect(createLogger({ stage: 'dev' }).child({ requestId: 'r1' }).fields).toEqual({ stage: 'dev', requestId: 'r1' });
  });
});

/**
 * The load run of `npm run bench:load`, short and smaller, on the real local stack: 40 S3 clients through the
 * Node front and 10 API clients for 8 s, each a keep-alive loop of one request at a time (bench/load-clients.ts).
 * What is asserted is correctness under concurrency: no error of any kind (status, body, network, timeout), every
 * kind of request served, nothing logged at error level, and the stack still answering afterwards. Speed and
 * memory are measured by the benchmark, not asserted here.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type S3Target, type Seed, seedObjects } from '../../bench/load-clients';
import { apiCaller, OWNER, setUpVolume } from '../../bench/stack';
import { setLogSink } from '../../shared/log';
import { startTestStack, type TestStack } from '../support/local-stack';

const SECONDS = 8;
let stack: TestStack;
let api: ReturnType<typeof apiCaller>;
let token: string;
let volumeId: string;
let s3: S3Target;
let seed: Seed;
const handlerLines: string[] = [];
let undoSink: () => void;

beforeAll(async () => {
  undoSink = setLogSink((line) => handlerLines.push(line));
  stack = await startTestStack();
  token = stack.token({ sub: OWNER }, { ttlSeconds: 3600 });
  api = apiCaller(stack.info.apiUrl, token);
  volumeId = await setUpVolume(stack.info, stack.dataDir, api);
  const volume = (await api('GET', `/volumes/${volumeId}`)) as { name: string; region: string };
  const key = (await api('POST', '/access-keys', {})) as { accessKeyId: string; secretAccessKey: string };
  s3 = {
    endpoint: stack.info.nodeProxyUrl,
    bucket: volume.name,
    region: volume.region,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
  };
  seed = await seedObjects(s3);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  undoSink?.();
});

const errorLines = () => [...stack.logLines, ...handlerLines].filter((line) => line.startsWith('{"level":"error"'));

describe('under load: 40 S3 clients through the Node front and 10 API clients at once', () => {
  it('every request is answered as expected, every kind is served, and nothing is logged as an error', async () => {
    const result = await runLoad(s3, { apiUrl: stack.info.apiUrl, token, volumeId }, seed, {
      s3Clients: 40,
      apiClients: 10,
      warmupMs: 0,
      durationMs: SECONDS * 1000,
      requestTimeoutMs: 30_000,
    });
    expect(result.errorKinds).toEqual({});
    for (const [name, stats] of Object.entries(result.classes))
      expect({ name, served: stats.succeeded > 0 }).toEqual({ name, served: true });
    expect(errorLines()).toEqual([]);
  }, 90_000);

  it('the stack still answers afterwards, on both fronts and the API', async () => {
    for (const endpoint of [stack.info.nodeProxyUrl, stack.info.proxyUrl]) {
      const client = new S3Client({
        endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        maxAttempts: 1,
      });
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'load/small/00.bin' }));
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(seed.small[0]!)).toBe(true);
      } finally {
        client.destroy();
      }
    }
    expect(((await api('GET', '/me')) as { subject: string }).subject).toBe(OWNER);
    expect(((await api('GET', '/volumes')) as { items: Array<{ id: string }> }).items.map((v) => v.id)).toContain(volumeId);
  });
});

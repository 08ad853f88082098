/**
 * A CPU profile of the Node front in its own process under a loop of 4 MiB GETs (or PUTs: `put` as argument), for
 * finding what dominates: `npx tsx bench/proxy-profile.ts [get|put] [seconds] [dir]`. The profile (`node --cpu-prof`)
 * is written to the directory (a temporary one when absent) when the front exits; its top self times are printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startNodeFrontProcess } from './proxy-front';
import { BUCKET, PREFIX, startBenchStack } from './stack';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time per function (name, file, line), largest first, as shares of all samples. */
export function topSelfTimes(file: string, count: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/main\//, '');
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)} %  ${name}`);
}

async function main(): Promise<void> {
  const op = process.argv[2] === 'put' || process.argv[2] === 'head' ? process.argv[2] : 'get';
  const seconds = Number(process.argv[3] ?? 15);
  const dir = process.argv[4] ?? mkdtempSync(join(tmpdir(), 'vg-proxy-profile-'));
  const bench = await startBenchStack();
  const front = await startNodeFrontProcess(resolve(import.meta.dirname, '..'), {
    ...process.env,
    NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
  });
  try {
    const gatewayKey = (await bench.api('POST', '/access-keys', {})) as { accessKeyId: string; secretAccessKey: string };
    const vended = (await bench.api('POST', `/volumes/${bench.volume.id}/credentials`, { access: 'write' })) as Record<string, string>;
    const role = { accessKeyId: vended.AccessKeyId!, secretAccessKey: vended.SecretAccessKey!, sessionToken: vended.SessionToken! };
    // `inprocess`: the stack's own Node front, `functionurl`: the stack's function URL (profile this process then:
    // `node --cpu-prof --import tsx …`); `direct`: S3.
    const where = process.argv[5] ?? 'child';
    const endpoints: Record<string, string> = {
      inprocess: bench.stack.info.nodeProxyUrl,
      functionurl: bench.stack.info.proxyUrl,
      direct: bench.stack.info.awsEndpoint,
    };
    const endpoint = endpoints[where] ?? front.url;
    const key = where === 'direct' ? role : gatewayKey;
    const bucket = where === 'direct' ? BUCKET : bench.volume.name;
    const objectKey = where === 'direct' ? `${PREFIX}/profile/4MiB.bin` : 'profile/4MiB.bin';
    const client = new S3Client({
      endpoint,
      region: bench.volume.region,
      forcePathStyle: true,
      credentials: key,
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const body = randomBytes(4 * 1024 * 1024);
    const put = () =>
      client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          Body: Readable.from([body]),
          ContentLength: body.length,
          ChecksumAlgorithm: 'CRC32C',
        }),
      );
    await put();
    let headersMs = 0;
    const get = async () => {
      const asked = performance.now();
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
      headersMs += performance.now() - asked;
      for await (const _ of got.Body as Readable);
    };
    const head = () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey }));
    const startCpu = front.cpuSeconds();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < seconds * 1000) {
      await (op === 'put' ? put() : op === 'head' ? head() : get());
      n++;
    }
    const mbs = (n * body.length) / 1e6 / ((performance.now() - start) / 1000);
    const perOp = (performance.now() - start) / n;
    console.log(
      `${n} ${op}s of 4 MiB, ${mbs.toFixed(0)} MB/s, ${perOp.toFixed(1)} ms each (${(headersMs / n).toFixed(1)} ms to the headers); ` +
        `front CPU ${(((front.cpuSeconds() - startCpu) * 1000) / n).toFixed(2)} ms each (own process)`,
    );
    client.destroy();
  } finally {
    await front.stop();
    await bench.close();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  console.log(`${join(dir, file)}\n${topSelfTimes(join(dir, file), 40).join('\n')}`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

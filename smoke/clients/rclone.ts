/**
 * rclone (on PATH) with a remote `smoke:` configured only through its environment (type s3, provider Other,
 * path-style): no config file is written, and the operator's own is not read. Downloads with `copyto` (which
 * checks the size and hash it is told), ranges with `cat --offset --count`, sizes with `lsjson --stat` (a HEAD),
 * multipart with 5 MiB chunks from 5 MiB.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientEnv, lastLine, onPath, runProcess } from './process';
import { type Absent, type ClientRunner, eachOp, NOT_FOUND, type Op, type OpAnswer, type Target } from './types';

export function rcloneRunner(): ClientRunner | Absent {
  const file = onPath('rclone');
  if (!file) return { name: 'rclone', absent: 'rclone not found on PATH' };
  return {
    name: 'rclone',
    async run(target, ops) {
      const env = {
        ...clientEnv(target.workDir),
        RCLONE_CONFIG: join(target.workDir, 'rclone-unused.conf'),
        RCLONE_CONFIG_SMOKE_TYPE: 's3',
        RCLONE_CONFIG_SMOKE_PROVIDER: 'Other',
        RCLONE_CONFIG_SMOKE_ENDPOINT: target.endpoint,
        RCLONE_CONFIG_SMOKE_FORCE_PATH_STYLE: 'true',
        RCLONE_CONFIG_SMOKE_REGION: target.region,
        RCLONE_CONFIG_SMOKE_ACCESS_KEY_ID: target.accessKeyId,
        RCLONE_CONFIG_SMOKE_SECRET_ACCESS_KEY: target.secretAccessKey,
      };
      const rclone = (...args: string[]) => runProcess(file, args, env);
      return eachOp(ops, (op, i) => runOp(rclone, target, op, join(target.workDir, `rclone-${i}.out`)));
    },
  };
}

type Rclone = (...args: string[]) => ReturnType<typeof runProcess>;

async function runOp(rclone: Rclone, { bucket }: Target, op: Op, out: string): Promise<OpAnswer> {
  const ok = async (...args: string[]) => {
    const run = await rclone(...args);
    if (run.code !== 0) throw new Error(`exit ${run.code}: ${lastLine(run.stderr)}`);
    return run.stdout;
  };
  const remote = (key: string, inBucket = bucket) => `smoke:${inBucket}/${key}`;
  const digest = (bytes: Buffer) => ({ sha256: createHash('sha256').update(bytes).digest('hex'), length: bytes.length });
  switch (op.do) {
    case 'head':
      return { ok: true, size: JSON.parse((await ok('lsjson', '--stat', remote(op.key))).toString('utf8')).Size };
    case 'get': {
      if (!op.range) {
        await ok('copyto', remote(op.key), out);
        return { ok: true, ...digest(readFileSync(out)) };
      }
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(op.range)!;
      return {
        ok: true,
        ...digest(await ok('cat', '--offset', first!, '--count', String(Number(last) - Number(first) + 1), remote(op.key))),
      };
    }
    case 'put':
      await ok('copyto', op.file, remote(op.key));
      return { ok: true };
    case 'multipart':
      await ok('copyto', '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', op.file, remote(op.key));
      return { ok: true };
    case 'list': {
      // The prefix's "folder", then the keys under the prefix itself; only that folder's own files when the prefix
      // is a key's (nothing below it can match).
      const folder = op.prefix.slice(0, op.prefix.lastIndexOf('/') + 1);
      const depth = folder === op.prefix ? [] : ['--max-depth', '1'];
      const listed = (await ok('lsf', '-R', ...depth, '--files-only', remote(folder))).toString('utf8').split('\n').filter(Boolean);
      return { ok: true, keys: listed.map((path) => `${folder}${path}`).filter((key) => key.startsWith(op.prefix)) };
    }
    case 'refused': {
      const run = await rclone('cat', remote(op.key, op.bucket));
      if (run.code === 0) return { ok: true, code: 'ok', status: 200 };
      const said = /(\w+): [^\n]*\n?\s*status code: (\d{3})/.exec(run.stderr);
      if (said) return { ok: true, code: said[1], status: Number(said[2]) };
      // rclone turns a 404 while it looks for the object into exit 3 or 4, "directory/file not found", without S3's code.
      if ((run.code === 3 || run.code === 4) && / not found/.test(run.stderr)) return { ok: true, code: NOT_FOUND, status: 404 };
      throw new Error(`exit ${run.code}: ${lastLine(run.stderr)}`);
    }
  }
}

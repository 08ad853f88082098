/**
 * The aws cli (`/usr/bin/aws`, else `aws` on PATH), configured as the README says: path-style addressing in a
 * config file of its own (in the scratch directory, not the operator's ~/.aws), the key in its environment, and
 * multipart from 5 MiB so a 10 MiB `s3 cp` goes in two parts (a small one in one PUT). One process per operation,
 * as a user types them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientEnv, executable, lastLine, onPath, runProcess } from './process';
import { type Absent, type ClientRunner, eachOp, type Op, type OpAnswer, type Target } from './types';

export function awsCliRunner(): ClientRunner | Absent {
  const file = executable('/usr/bin/aws') ? '/usr/bin/aws' : onPath('aws');
  if (!file) return { name: 'aws-cli', absent: 'aws not found (/usr/bin/aws or on PATH)' };
  return {
    name: 'aws-cli',
    // The aws cli is botocore, as boto3 is: its own part is `aws s3 cp`, which sizes a download with a HEAD first
    // (the size the issue is about) and chooses between one PUT and a multipart upload.
    essential: {
      checks: ['head-size', 'get-whole', 'put-small', 'put-multipart'],
      others: "botocore's reading of the answer, checked with boto3",
    },
    async run(target, ops) {
      const config = join(target.workDir, 'aws-config');
      writeFileSync(
        config,
        `[default]\nregion = ${target.region}\ns3 =\n    addressing_style = path\n    multipart_threshold = 5MB\n    ` +
          `multipart_chunksize = 5MB\n`,
      );
      const env = {
        ...clientEnv(target.workDir),
        AWS_ACCESS_KEY_ID: target.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(target.workDir, 'no-credentials'),
        AWS_PAGER: '',
      };
      const aws = (...args: string[]) => runProcess(file, ['--endpoint-url', target.endpoint, '--output', 'json', ...args], env);
      return eachOp(ops, (op, i) => runOp(aws, target, op, join(target.workDir, `aws-cli-${i}.out`)));
    },
  };
}

type Aws = (...args: string[]) => ReturnType<typeof runProcess>;

async function runOp(aws: Aws, { bucket }: Target, op: Op, out: string): Promise<OpAnswer> {
  const json = async (...args: string[]) => {
    const run = await aws(...args);
    if (run.code !== 0) throw new Error(`exit ${run.code}: ${lastLine(run.stderr)}`);
    const text = run.stdout.toString('utf8').trim();
    return text ? JSON.parse(text) : {};
  };
  switch (op.do) {
    case 'head':
      return { ok: true, size: (await json('s3api', 'head-object', '--bucket', bucket, '--key', op.key)).ContentLength ?? null };
    case 'get': {
      const bytes = () => readFileSync(out);
      const digest = (data: Buffer) => ({ sha256: createHash('sha256').update(data).digest('hex'), length: data.length });
      if (op.download) {
        // `s3 cp` sizes the object with a HEAD, then GETs it (in ranges from 8 MiB).
        await json('s3', 'cp', '--only-show-errors', `s3://${bucket}/${op.key}`, out);
        return { ok: true, ...digest(bytes()) };
      }
      const answer = await json(
        's3api',
        'get-object',
        '--bucket',
        bucket,
        '--key',
        op.key,
        ...(op.range ? ['--range', op.range] : []),
        out,
      );
      return { ok: true, ...digest(bytes()), contentLength: answer.ContentLength ?? null };
    }
    case 'put':
    case 'multipart':
      await json('s3', 'cp', '--only-show-errors', op.file, `s3://${bucket}/${op.key}`);
      return { ok: true };
    case 'list':
      return {
        ok: true,
        keys: ((await json('s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', op.prefix)).Contents ?? []).map(
          (o: { Key: string }) => o.Key,
        ),
      };
    case 'refused': {
      const run = await aws('s3api', 'get-object', '--bucket', op.bucket, '--key', op.key, out);
      if (run.code === 0) return { ok: true, code: 'ok', status: 200 };
      const said = /An error occurred \(([^)]+)\)/.exec(run.stderr);
      if (!said) throw new Error(`exit ${run.code}: ${lastLine(run.stderr)}`);
      return { ok: true, code: said[1] };
    }
  }
}

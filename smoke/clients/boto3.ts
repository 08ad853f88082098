/**
 * boto3 from the first `python3` that has it (PATH, then /usr/bin/python3), path-style, its defaults otherwise.
 * One Python process runs the whole batch (boto3-ops.py): Python's start-up is the slow part.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { clientEnv, executable, lastLine, onPath } from './process';
import type { Absent, ClientRunner, OpResult } from './types';

const SCRIPT = resolve(import.meta.dirname, 'boto3-ops.py');

export function boto3Runner(): ClientRunner | Absent {
  const python = [onPath('python3'), '/usr/bin/python3'].find((file) => file && executable(file) && hasBoto3(file));
  if (!python) return { name: 'boto3', absent: 'no python3 with boto3 (on PATH or /usr/bin/python3)' };
  return {
    name: 'boto3',
    run: (target, ops) =>
      new Promise<OpResult[]>((done, fail) => {
        const child = spawn(python, [SCRIPT], {
          env: {
            ...clientEnv(target.workDir),
            AWS_ACCESS_KEY_ID: target.accessKeyId,
            AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
            AWS_CONFIG_FILE: `${target.workDir}/no-config`,
          },
          timeout: 300_000,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', fail);
        child.on('close', (code) => {
          try {
            done(JSON.parse(stdout));
          } catch {
            fail(new Error(`boto3 (exit ${code}): ${lastLine(stderr)}`));
          }
        });
        child.stdin.end(
          JSON.stringify({ endpoint: target.endpoint, region: target.region, bucket: target.bucket, workDir: target.workDir, ops }),
        );
      }),
  };
}

function hasBoto3(python: string): boolean {
  return spawnSync(python, ['-c', 'import boto3'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

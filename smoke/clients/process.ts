/** Running the real clients: a child process with its own environment, and finding a program on PATH. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface ProcessRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `file` with `args`; resolves whatever the exit code (a missing program or a timeout rejects). */
export function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number')
        return fail(new Error(`${file}: ${error.killed ? `no answer within ${timeoutMs / 1000} s` : error.message}`));
      done({ code: error ? (error.code as number) : 0, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

/** The first executable `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The environment a client gets: nothing of the operator's own AWS or rclone setup, HOME a scratch directory. */
export const clientEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  AWS_EC2_METADATA_DISABLED: 'true',
});

/** The last meaningful line a failed client printed (its error), without blank lines. */
export const lastLine = (stderr: string): string =>
  stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? '(no message)';

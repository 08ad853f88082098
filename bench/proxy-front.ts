/**
 * The proxy's Node front in a child process, as a container runs it (`local/proxy-server.ts`, what `npm run proxy`
 * starts), with the local stack's environment, so that its memory is its own to measure. Memory is read from
 * `/proc/<pid>/status`: VmRSS now, and VmHWM, the peak since the last reset through `/proc/<pid>/clear_refs`
 * (Linux; where the reset is refused, the peak is that of the process's whole life, and the run says so).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { keepWarnings } from './stack';

export interface NodeFrontProcess {
  url: string;
  pid: number;
  /** Resident set size now, in bytes. */
  rssBytes(): number;
  /** The peak RSS since the last `resetPeak` (or since start), in bytes. */
  peakBytes(): number;
  /** Starts a new peak from the current RSS; false when the kernel refused (the peak then covers the whole life). */
  resetPeak(): boolean;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** A process's memory meters from /proc: RSS now, the peak since the last reset, and the reset. */
export function memoryOf(pid: number): Pick<NodeFrontProcess, 'rssBytes' | 'peakBytes' | 'resetPeak'> {
  return {
    rssBytes: () => statusKiB(pid, 'VmRSS') * 1024,
    peakBytes: () => statusKiB(pid, 'VmHWM') * 1024,
    resetPeak: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Starts the Node front from `root` with this process's environment (the stack's), and waits until it answers. */
export async function startNodeFrontProcess(root: string): Promise<NodeFrontProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/proxy-server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its stdout is its log: EMF metric lines for every request, which only its warnings are kept of.
  createInterface({ input: child.stdout }).on('line', (line) => keepWarnings(line));
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[node front] ${chunk.toString()}`));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the Node front exited (code ${code}) before it answered`))));
  exited.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      // Anonymous: any answer (403) means it is listening.
      await Promise.race([fetch(url).then((r) => r.arrayBuffer()), exited]);
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    ...memoryOf(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

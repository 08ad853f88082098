/**
 * The proxy's Node front in a child process, as a container runs it (`containers/node-proxy/main.ts`, what `npm run proxy`
 * starts), with the local stack's environment, so that its memory is its own to measure. Memory is read from
 * `/proc/<pid>/status`: VmRSS now, and VmHWM, the peak since the last reset through `/proc/<pid>/clear_refs`
 * (Linux; where the reset is refused, the peak is that of the process's whole life, and the run says so).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { freePort } from '../local/free-port';
import { keepWarnings } from './stack';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

export interface NodeFrontProcess {
  url: string;
  pid: number;
  /** Resident set size now, in bytes. */
  rssBytes(): number;
  /** The peak RSS since the last `resetPeak` (or since start), in bytes. */
  peakBytes(): number;
  /** Starts a new peak from the current RSS; false when the kernel refused (the peak then covers the whole life). */
  resetPeak(): boolean;
  /** User + system CPU time so far, in seconds. */
  cpuSeconds(): number;
  /** Node's own view of the process's memory (`process.memoryUsage()`, printed every second by `MEMORY_PROBE`). */
  heap(): HeapFigures | undefined;
  /** The warning and error lines of its log so far (also printed as they come). */
  logProblems(): string[];
  stop(): Promise<void>;
}

/** `process.memoryUsage()` of a child, in bytes: what of its RSS is V8's heap and what Buffers hold. */
export interface HeapFigures {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Node flags that make a child print `process.memoryUsage()` to stderr once a second (a `VG_MEMORY {…}` line), so
 * that the bench can tell growth of V8's heap from growth outside it (Buffers, the allocator, native modules)
 * without touching the service's code. Costs one call a second.
 */
const MEMORY_PRINTER =
  "setInterval(() => process.stderr.write('VG_MEMORY ' + JSON.stringify(process.memoryUsage()) + '\\n'), 1000).unref();";
export const MEMORY_PROBE = ['--import', `data:text/javascript,${encodeURIComponent(MEMORY_PRINTER)}`];

/** Reads a child's stderr: keeps the latest `VG_MEMORY` figures, hands every other line to `other`. */
export function heapProbe(stderr: Readable, other: (line: string) => void): () => HeapFigures | undefined {
  let latest: HeapFigures | undefined;
  createInterface({ input: stderr }).on('line', (line) => {
    if (!line.startsWith('VG_MEMORY ')) return other(line);
    try {
      latest = JSON.parse(line.slice('VG_MEMORY '.length)) as HeapFigures;
    } catch {
      // a line cut short at exit
    }
  });
  return () => latest;
}

/** User + system CPU time of a process so far, in seconds, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
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

/**
 * Starts the Node front from `root` and waits until it answers. Its environment is this process's (the stack's,
 * when the stack runs in this process) or, given `environment`, that one (the stack's, read from its process);
 * PROXY_PUBLIC_URL then names this front, as a container's deployment sets it to where clients reach it.
 */
export async function startNodeFrontProcess(root: string, environment?: NodeJS.ProcessEnv): Promise<NodeFrontProcess> {
  const port = await freePort();
  const own = environment ? { PROXY_PUBLIC_URL: `http://127.0.0.1:${port}` } : {};
  const child = spawn(process.execPath, [...MEMORY_PROBE, '--import', 'tsx', 'containers/node-proxy/main.ts'], {
    cwd: root,
    env: { ...(environment ?? process.env), ...own, NODE_PROXY_HOST: '127.0.0.1', NODE_PROXY_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its stdout is its log: EMF metric documents (one per dimension set each second), of which only its warnings are kept.
  const problems: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (/^\{"level":"(warn|error)"/.test(line)) problems.push(line);
    keepWarnings(line);
  });
  const heap = heapProbe(child.stderr, (line) => process.stderr.write(`[node front] ${line}\n`));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Node front exited (code ${code}) before it answered`))),
  );
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
    cpuSeconds: () => cpuSecondsOf(pid),
    heap,
    logProblems: () => problems,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

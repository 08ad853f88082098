/**
 * The whole local stack as `npm start` runs it (`local/start.ts`: API, both proxy fronts, local AWS, OIDC issuer),
 * in a child process on free loopback ports (all 0) in a fresh data directory, so that its memory and CPU are its
 * own to measure, apart from the load generator's: RSS and its peak from `/proc/<pid>/status` (VmRSS, VmHWM,
 * the peak reset through `/proc/<pid>/clear_refs`), CPU time from `/proc/<pid>/stat`, and Node's own figures
 * (`process.memoryUsage()`, through `MEMORY_PROBE`). LOG_LEVEL=warn; its log (stdout: warnings, errors and EMF
 * metric lines) goes to a file, read once at the end for warnings and errors. `load-stack-main.ts` starts it and
 * writes the environment it completed, which `environment()` returns for a Node front in a process of its own.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadOrCreateSigningKey, signToken } from '../local/oidc/token';
import type { StackInfo } from '../local/stack';
import { cpuSecondsOf, type HeapFigures, heapProbe, MEMORY_PROBE, memoryOf } from './proxy-front';

export interface StackProcess {
  info: StackInfo;
  dataDir: string;
  pid: number;
  /** A token for `sub` from the stack's issuer (signed here with the key in its data directory). */
  token(sub: string, ttlSeconds: number): Promise<string>;
  rssBytes(): number;
  /** The peak RSS since the last `resetPeak` (or since start). */
  peakBytes(): number;
  /** False when the kernel refused (the peak then covers the whole life). */
  resetPeak(): boolean;
  /** User + system CPU time of the stack process so far, in seconds. */
  cpuSeconds(): number;
  /** Its `process.memoryUsage()`, at most a second old. */
  heap(): HeapFigures | undefined;
  /** This process's environment as the stack completed it for its functions (what a deployed front reads). */
  environment(): NodeJS.ProcessEnv;
  /** The warning and error lines of its log so far. */
  logProblems(): string[];
  stop(): Promise<void>;
}

export async function startStackProcess(root: string): Promise<StackProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vg-load-'));
  const logFile = join(dataDir, 'stack.log');
  const out = openSync(logFile, 'a');
  // STACK_CPU_PROF=<dir>: the stack writes a V8 CPU profile there when it stops (to see where its time goes).
  const profile = process.env.STACK_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.STACK_CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, ...MEMORY_PROBE, '--import', 'tsx', 'bench/load-stack-main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      LOCAL_DATA_DIR: dataDir,
      API_PORT: '0',
      PROXY_PORT: '0',
      AWS_PORT: '0',
      OIDC_PORT: '0',
      NODE_PROXY_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  const heap = heapProbe(child.stderr!, (line) => (stderr = `${stderr}${line}\n`.slice(-4000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  const cleanUp = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };

  const infoFile = join(dataDir, 'stack.json');
  const envFile = join(dataDir, 'stack-env.json'); // written after stack.json, once the stack has started
  const deadline = Date.now() + 60_000;
  while (!existsSync(envFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await cleanUp();
      throw new Error(
        `the local stack did not start: ` +
          `${child.exitCode !== null ? `exited ${child.exitCode}` : 'no stack-env.json within 60 s'}\n${stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as StackInfo;
  const stackEnv = JSON.parse(readFileSync(envFile, 'utf8')) as { changed: Record<string, string>; removed: string[] };
  const pid = child.pid!;
  return {
    info,
    dataDir,
    pid,
    token: async (sub, ttlSeconds) => {
      const key = await loadOrCreateSigningKey(dataDir);
      return signToken({
        privateKey: key.privateKey,
        kid: key.kid,
        issuer: info.issuer,
        audience: info.audience,
        sub,
        ttlSeconds,
        now: new Date(),
      });
    },
    ...memoryOf(pid),
    cpuSeconds: () => cpuSecondsOf(pid),
    heap,
    environment: () => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv.changed };
      for (const name of stackEnv.removed) delete env[name];
      return env;
    },
    logProblems: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => /^\{"level":"(warn|error)"/.test(line)),
    stop: cleanUp,
  };
}

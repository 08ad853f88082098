/**
 * The ceiling for the proxy: a bare pass-through, the least any HTTP hop in Node can cost. A `node:http` server
 * that forwards method, path, headers (Host included, so the client's own signature still holds at S3) and body
 * to the local S3 over kept-alive connections, and pipes S3's answer back: no authentication, no re-signing, no
 * de-chunking. Run in the bench's process (`startBarePipe`) and in a child of its own (`startBarePipeProcess`,
 * this file as a script), as the Node front runs in both.
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';

export interface BarePipe {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function forwarder(upstream: URL): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new Agent({ keepAlive: true });
  const port = Number(upstream.port || 80);
  return (req, res) => {
    const out = request({ hostname: upstream.hostname, port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      pipeline(answer, res, () => undefined);
    });
    out.on('error', () => res.destroy());
    pipeline(req, out, () => undefined);
  };
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** The bare pipe in this process, to `upstream` (the local S3's endpoint). */
export async function startBarePipe(upstream: string): Promise<BarePipe> {
  const server = createServer({ keepAliveTimeout: 65_000 }, forwarder(new URL(upstream)));
  const url = await listen(server, 0);
  return {
    url,
    pid: process.pid,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** The bare pipe in a child process of its own; it prints its URL once listening. */
export async function startBarePipeProcess(root: string, upstream: string): Promise<BarePipe> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/proxy-bare.ts', upstream], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare pipe exited (code ${code}) before it listened`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const pipe = await startBarePipe(process.argv[2]!);
  process.stdout.write(`${pipe.url}\n`);
  process.once('SIGTERM', () => void pipe.stop().then(() => process.exit(0)));
}

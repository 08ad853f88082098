/** What both benchmark reports share: number formats, a plain-text table, and the JSON results file. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

export const ms = (n: number) => (Math.abs(n) < 1 ? n.toFixed(3) : Math.abs(n) < 10 ? n.toFixed(2) : n.toFixed(1));
export const ratio = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

/** Where the figures were measured: they only compare within one run on one machine. */
export const machine = () =>
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;

/** Columns aligned: the first to the left, the others to the right. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')).join('\n');
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The results as JSON, with the machine and commit they were measured on. */
export function writeJson(file: string, run: object): void {
  mkdirSync(dirname(file), { recursive: true });
  const environment = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavg: loadavg(),
    commit: gitCommit(),
  };
  writeFileSync(file, `${JSON.stringify({ ...run, environment }, null, 2)}\n`);
}

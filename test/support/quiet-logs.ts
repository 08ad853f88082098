/**
 * Quiet checks: the service's log lines (the in-process stack's handlers, the proxy, EMF metrics) go to a buffer
 * instead of stdout, so a passing `npm test` prints the runner's summary only. A failing test prints the lines
 * written while it ran (the last 200), after its failure. Tests that read the lines set their own sink on top.
 */
import { beforeEach } from 'vitest';
import { setLogSink } from '../../shared/log';

const KEPT = 200;
let lines: string[] = [];

setLogSink((line) => {
  lines.push(line);
  if (lines.length > KEPT * 2) lines = lines.slice(-KEPT);
});

beforeEach((context) => {
  lines = [];
  context.onTestFailed(() => {
    const kept = lines.slice(-KEPT);
    if (kept.length === 0) return;
    process.stderr.write(
      `\n--- log lines of "${context.task.name}" (last ${kept.length}) ---\n${kept.join('\n')}\n--- end of log lines ---\n`,
    );
  });
});

/**
 * Runs `run` with stdout held in a buffer: for a bundled handler, whose own copy of the logger writes to stdout
 * directly (the sink above is this process's copy). Gives its result and the lines it wrote.
 */
export async function capturingStdout<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), lines: written.join('').split('\n').filter(Boolean) };
  } finally {
    process.stdout.write = write;
  }
}

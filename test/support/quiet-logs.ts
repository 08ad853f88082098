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
    process.stderr.write(`\n--- log lines of "${context.task.name}" (last ${kept.length}) ---\n${kept.join('\n')}\n--- end of log lines ---\n`);
  });
});

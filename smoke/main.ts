/**
 * The smoke command (smoke/cli.ts) as a function: the command line's arguments in, its lines written through
 * `io`, its exit code out (0 only when no check failed, 1 when one did, 2 when the command line is wrong). Tests
 * run it in process; the CLI is this with the process's own stdout, stderr and argv.
 */
import { parseSmokeArgs, USAGE, UsageError } from './args';
import { Report } from './report';
import { runSmoke } from './run';

export interface SmokeIo {
  /** One line of the report (no newline). */
  out(line: string): void;
  /** Text for stderr, as is. */
  err(text: string): void;
}

const processIo: SmokeIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (text) => process.stderr.write(text),
};

export async function smokeMain(argv: string[], io: SmokeIo = processIo): Promise<number> {
  let options;
  try {
    options = parseSmokeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`smoke: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const report = new Report(io.out);
  try {
    await runSmoke(options, report);
  } catch (error) {
    report.fail('smoke', '-', 'run', `stopped: ${(error as Error).message}`);
  }
  report.verdict();
  return report.failed === 0 ? 0 : 1;
}

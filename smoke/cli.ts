/**
 * `npm run smoke -- --api <url> --proxy <url> [--node-proxy <url>] --token-file <file> --volume <name>`: the smoke
 * test of a deployment (smoke/run.ts). Prints one line per check and a verdict; exit code 0 only when no check
 * failed, 1 when one did, 2 when the command line is wrong.
 */
import { parseSmokeArgs, USAGE, UsageError } from './args';
import { Report } from './report';
import { runSmoke } from './run';

async function main(): Promise<number> {
  let options;
  try {
    options = parseSmokeArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`smoke: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const report = new Report();
  try {
    await runSmoke(options, report);
  } catch (error) {
    report.fail('smoke', '-', 'run', `stopped: ${(error as Error).message}`);
  }
  report.verdict();
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await main();

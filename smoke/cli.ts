/**
 * `npm run smoke -- --api <url> --proxy <url> [--node-proxy <url>] --token-file <file> --volume <name>`: the smoke
 * test of a deployment (smoke/run.ts). Prints one line per check and a verdict; exit code 0 only when no check
 * failed, 1 when one did, 2 when the command line is wrong (smoke/main.ts).
 */
import { smokeMain } from './main';

process.exitCode = await smokeMain(process.argv.slice(2));

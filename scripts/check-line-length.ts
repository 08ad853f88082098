/**
 * `npm run lint`'s second half: no line longer than 140 characters in the TypeScript and JavaScript Biome checks.
 * Biome's formatter wraps code at 140 (biome.jsonc's lineWidth) but leaves comments and string literals as written,
 * and Biome has no rule for line length (nor has any other tool the project keeps), so this counts what is left.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 140;
const PARTS = /^(bench|bin|console|containers|functions|local|scripts|shared|smoke|test)\/.*\.[cm]?[jt]s$|^[^/]+\.[cm]?[jt]s$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((path) => PARTS.test(path));
const long = files.flatMap((path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.length > MAX ? [`${path}:${i + 1}: ${line.length} characters`] : [])),
);
if (long.length > 0) {
  console.error(`${long.join('\n')}\n${long.length} lines longer than ${MAX} characters: wrap the comment or split the string.`);
  process.exit(1);
}

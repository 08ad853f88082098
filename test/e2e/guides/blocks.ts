/**
 * The guides in docs/ as runnable material. A ```bash block preceded by `<!-- test: NAME -->` is run by
 * test/e2e/guides.test.ts; one preceded by `<!-- not-run: REASON -->` is not, and the guide must say why in a
 * visible paragraph saying "Not run by the tests: …" just above the marker. Any other ```bash block is an error, so a
 * command cannot slip into a guide untested and unexplained.
 *
 * A guide's runnable blocks run in order in ONE bash (-euo pipefail), as a reader types them into one terminal:
 * variables and the working directory carry over. A marker line is printed before each block so its output can
 * be told apart.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GuideBlock {
  name: string;
  code: string;
  runnable: boolean;
  /** Why a block is not run (not-run blocks only). */
  reason?: string;
}

const FENCE = /(?:<!--\s*(test|not-run):\s*([^>]*?)\s*-->\s*\n)?```(\w*)\n([\s\S]*?)```/g;
const MARK = '@@guide-block:';

export function parseGuide(path: string): GuideBlock[] {
  const text = readFileSync(path, 'utf8');
  const blocks: GuideBlock[] = [];
  for (const match of text.matchAll(FENCE)) {
    const [, kind, label, lang, code] = match;
    if (lang !== 'bash' && lang !== 'sh') continue;
    if (!kind)
      throw new Error(
        `${path}: a \`\`\`${lang} block has neither <!-- test: NAME --> nor <!-- not-run: REASON -->:\n${code!.slice(0, 200)}`,
      );
    if (kind === 'test') {
      if (!/^[\w-]+$/.test(label!)) throw new Error(`${path}: block name "${label}" must be a word`);
      if (blocks.some((b) => b.name === label)) throw new Error(`${path}: two blocks named ${label}`);
      blocks.push({ name: label!, code: code!, runnable: true });
    } else {
      // The paragraph just above the marker (a reader sees it; the HTML comment they do not).
      const before = text.slice(0, match.index).trimEnd().split('\n\n').at(-1) ?? '';
      if (!/Not run by the tests/.test(before))
        throw new Error(`${path}: the not-run block (${label}) needs a visible "Not run by the tests: …" line above it`);
      blocks.push({ name: `not-run-${blocks.length}`, code: code!, runnable: false, reason: label! });
    }
  }
  return blocks;
}

export interface GuideRun {
  code: number;
  /** Each runnable block's stdout, by name (blocks after a failure are absent). */
  out: Record<string, string>;
  stderr: string;
  /** The block that was running when bash stopped, on failure. */
  failedIn?: string;
}

export function runGuide(blocks: GuideBlock[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<GuideRun> {
  const script = blocks
    .filter((b) => b.runnable)
    .map((b) => `printf '\\n${MARK}%s\\n' ${b.name}\nprintf '\\n${MARK}%s\\n' ${b.name} >&2\n${b.code}`)
    .join('\n');
  return new Promise((done, fail) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', script],
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number')
          return fail(new Error(`the guide's bash did not finish: ${error.message}\n${stderr.slice(-4000)}`));
        const out: Record<string, string> = {};
        const parts = stdout.split(new RegExp(`\\n?${MARK}(\\S+)\\n`));
        for (let i = 1; i < parts.length; i += 2) out[parts[i]!] = parts[i + 1] ?? '';
        const code = error ? (error.code as number) : 0;
        const names = [...stderr.matchAll(new RegExp(`${MARK}(\\S+)`, 'g'))].map((m) => m[1]!);
        done({ code, out, stderr, ...(code !== 0 ? { failedIn: names.at(-1) ?? '(before the first block)' } : {}) });
      },
    );
  });
}

/** The run's outputs, or an error naming the block that failed and what bash said. */
export function ok(run: GuideRun): Record<string, string> {
  if (run.code !== 0) throw new Error(`the guide failed in block "${run.failedIn}" (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  return run.out;
}

/**
 * A reader's shell for a guide run against the local stack in `dataDir`: a fresh HOME under it, Debian's clients first
 * on PATH, a UTF-8 locale, the aws cli without instance metadata or a pager; `extra` adds the guide's own variables.
 */
export function readerEnv(dataDir: string, home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = join(dataDir, home);
  mkdirSync(dir);
  return {
    PATH: `/usr/bin:/bin:${process.env.PATH}`,
    HOME: dir,
    LOCAL_DATA_DIR: dataDir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

/**
 * How the local IAM store touches the disk: a whole file replaced atomically (temporary file, fsync, rename: a
 * crash leaves the old file or the new one, never half of one) and a line appended to a log. A port, so a test
 * can count what each call writes (the store's cost per AssumeRole is what it writes).
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { defaultRandom, type RandomSource } from './ids';

export interface StoreFiles {
  /** The file's text, or undefined when there is none. */
  read(file: string): string | undefined;
  /** Replaces the file's content atomically, flushed to disk before the rename. */
  replace(file: string, data: string): void;
  /**
   * Appends to the file (created 0600 if missing). Not fsynced: once it returns, a restarted process reads the
   * line (the kernel has it); only a crash of the machine itself can lose the last few seconds of lines.
   */
  append(file: string, data: string): void;
}

export function nodeStoreFiles(random: RandomSource = defaultRandom): StoreFiles {
  return {
    read: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
    replace(file, data) {
      const tmp = `${file}.${process.pid}.${random(6).toString('hex')}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    },
    append: (file, data) => appendFileSync(file, data, { mode: 0o600 }),
  };
}

/**
 * Role sessions on disk: `<dataDir>/sessions.jsonl`, one JSON line per session, appended when it is minted (so an
 * AssumeRole writes one line, whatever the number of sessions), replayed on start, and rewritten whole (atomically)
 * only to drop sessions long expired. Sessions never change once minted, so the log holds no superseded lines.
 */

import type { StoreFiles } from './store-files';
import type { SessionRecord } from './store-model';

export const SESSION_LOG_FILE = 'sessions.jsonl';

function isSessionRecord(value: unknown): value is SessionRecord {
  const r = value as Partial<SessionRecord> | null;
  return typeof r?.accessKeyId === 'string' && typeof r.secretAccessKey === 'string' && typeof r.caller?.expiresAt === 'string';
}

export class SessionLog {
  /** Lines in the file: what a rewrite would drop is `lines - live`. */
  private count = 0;

  constructor(
    private readonly files: StoreFiles,
    readonly file: string,
  ) {}

  get lines(): number {
    return this.count;
  }

  /**
   * The records in the order appended, and whether the last line was torn (a crash mid-append: that AssumeRole
   * never answered, so the line is dropped). Any other unreadable line is an error, as a damaged `iam.json` is.
   */
  replay(): { records: SessionRecord[]; torn: boolean } {
    const lines = (this.files.read(this.file) ?? '').split('\n');
    const last = lines.pop()!; // '' when the file ends with a newline, as every complete append does
    const records = lines.map((line, i) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (!isSessionRecord(parsed)) throw new Error(`${this.file} line ${i + 1} is not a session record`);
      return parsed;
    });
    this.count = records.length;
    return { records, torn: last !== '' };
  }

  append(record: SessionRecord): void {
    this.files.append(this.file, `${JSON.stringify(record)}\n`);
    this.count++;
  }

  /** Replaces the log with exactly these records, atomically. */
  rewrite(records: Iterable<SessionRecord>): void {
    let text = '';
    let n = 0;
    for (const r of records) {
      text += `${JSON.stringify(r)}\n`;
      n++;
    }
    this.files.replace(this.file, text);
    this.count = n;
  }
}

/**
 * The smoke test's output: one line per check (`PASS`, `FAIL` or `SKIP`, the endpoint, the client, the check, a
 * short detail) as soon as it is known, and a final verdict. Every detail goes through the redactor first, so a
 * client's error message cannot print the token or the access key's secret.
 */

export type Outcome = 'PASS' | 'FAIL' | 'SKIP';

export interface CheckResult {
  outcome: Outcome;
  endpoint: string;
  client: string;
  check: string;
  detail: string;
}

const MAX_DETAIL = 200;

export class Report {
  readonly results: CheckResult[] = [];
  private readonly secrets: string[] = [];

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  /** Strings never to print (the token, the secret access key). */
  redact(...secrets: string[]): void {
    this.secrets.push(...secrets.filter((s) => s.length >= 8));
  }

  add(outcome: Outcome, endpoint: string, client: string, check: string, detail: string): void {
    const result = { outcome, endpoint, client, check, detail: this.clean(detail) };
    this.results.push(result);
    this.write([outcome.padEnd(4), endpoint.padEnd(12), client.padEnd(8), check.padEnd(16), result.detail].join('  ').trimEnd());
  }

  /** Results made elsewhere (smoke/checks.ts), in their order. */
  addAll(results: CheckResult[]): void {
    for (const r of results) this.add(r.outcome, r.endpoint, r.client, r.check, r.detail);
  }

  pass = (endpoint: string, client: string, check: string, detail = '') => this.add('PASS', endpoint, client, check, detail);
  fail = (endpoint: string, client: string, check: string, detail: string) => this.add('FAIL', endpoint, client, check, detail);
  skip = (endpoint: string, client: string, check: string, reason: string) =>
    this.add('SKIP', endpoint, client, check, `skipped: ${reason}`);

  get failed(): number {
    return this.results.filter((r) => r.outcome === 'FAIL').length;
  }

  /** The last line: the verdict and the counts. */
  verdict(): void {
    const count = (outcome: Outcome) => this.results.filter((r) => r.outcome === outcome).length;
    const counts = `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`;
    this.write(this.failed === 0 ? `VERDICT: PASS (${counts})` : `VERDICT: FAIL (${counts})`);
  }

  /** One line, no secrets, at most MAX_DETAIL characters. */
  private clean(detail: string): string {
    let text = detail.replace(/\s+/g, ' ').trim();
    for (const secret of this.secrets) text = text.split(secret).join('[redacted]');
    return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
  }
}

/**
 * The keys every path must judge alike (the proxy, presign, downloads, uploads): the verdict of the one key rule
 * (`shared/volumes/object-keys.ts`) for a volume whose root (`prefix/`, or '' for a whole bucket) is `root`.
 * The unit tests and the end-to-end test run the same table.
 */
export type Verdict = 'accepted' | 'dot-segment' | 'too-long' | 'empty' | 'not-unicode';

export interface KeyCase {
  what: string;
  key: string;
  verdict: Verdict;
  /** Can be named in a URL path (a lone surrogate cannot: it is no UTF-8). */
  inUrl: boolean;
}

export function keyTable(root: string): KeyCase[] {
  const room = 1024 - Buffer.byteLength(root, 'utf8');
  const c = (what: string, key: string, verdict: Verdict, inUrl = true): KeyCase => ({ what, key, verdict, inUrl });
  return [
    c('a leading "/"', '/lead', 'accepted'),
    c('a leading "//"', '//two/leading', 'accepted'),
    c('"//" inside', 'a//b', 'accepted'),
    c('a trailing "/"', 'folder/', 'accepted'),
    c('spaces, +, =, %', 'reads/sample 1+2=3%.fq', 'accepted'),
    c('unicode', 'données/échantillon-α-🧬.txt', 'accepted'),
    c('dots that are not segments', '.hidden/..x../...', 'accepted'),
    c('a newline and a tab', 'line\nbreak\ttab', 'accepted'),
    c('other control characters (SOH, ESC, DEL)', 'ctl\u0001\u001b\u007f', 'accepted'),
    c(`exactly 1,024 bytes with the root (${room} ASCII)`, 'k'.repeat(room), 'accepted'),
    c('exactly 1,024 bytes with the root, 2-byte characters', 'é'.repeat(Math.floor(room / 2)) + 'k'.repeat(room % 2), 'accepted'),
    c('a "." segment', 'a/./b', 'dot-segment'),
    c('a ".." segment', '../outside', 'dot-segment'),
    c('a trailing ".." segment', 'a/..', 'dot-segment'),
    c('"." alone', '.', 'dot-segment'),
    c('a "." segment after a leading "/"', '/./x', 'dot-segment'),
    c('1,025 bytes with the root', 'k'.repeat(room + 1), 'too-long'),
    c('1,025+ bytes with the root, 2-byte characters', 'é'.repeat(Math.floor(room / 2) + 1), 'too-long'),
    c('empty', '', 'empty', false),
    c('a lone surrogate', 'a\ud800b', 'not-unicode', false),
  ];
}

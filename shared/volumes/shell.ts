/** Quoting for the `aws …` commands handed to volume owners: POSIX shell, single quotes. */

/** `value` as one shell word: bare when it is plainly safe, else single-quoted (a `'` becomes `'\''`). */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `value` always single-quoted, as the policy documents are. */
export function singleQuoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

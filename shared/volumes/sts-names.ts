/**
 * A caller's subject as STS will carry it: the role session name and SourceIdentity (2 to 64 characters of
 * `[\w+=,.@-]`) and a session tag value (up to 256 characters of letters, digits, spaces and `_.:/=+-@`).
 *
 * A subject that already fits is used as it is, so CloudTrail shows it verbatim. One that does not has its
 * other characters replaced by `-`, is cut to fit, and gets a short hash of the original appended, so two
 * subjects that differ only in replaced characters never share a name.
 */
import { createHash } from 'node:crypto';

const hash8 = (subject: string) => createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 8);

function fitSubject(subject: string, allowed: RegExp, replace: RegExp, min: number, max: number): string {
  const length = Array.from(subject).length;
  if (length >= min && length <= max && allowed.test(subject)) return subject;
  const cleaned = subject.replace(replace, '-');
  const suffix = `-${hash8(subject)}`;
  return (
    Array.from(cleaned)
      .slice(0, max - suffix.length)
      .join('') + suffix
  );
}

/** RoleSessionName and SourceIdentity for a subject: `[\w+=,.@-]`, 2 to 64 characters. */
export function stsName(subject: string): string {
  return fitSubject(subject, /^[\w+=,.@-]+$/, /[^\w+=,.@-]/g, 2, 64);
}

/** A session tag value for a subject: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, at most 256 characters. */
export function tagValue(subject: string): string {
  return fitSubject(subject, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, 1, 256);
}

/** Owners as S3's XML shows them. */
import { createHash } from 'node:crypto';
import { el, text } from './xml';

/** A stable stand-in for S3's 64-hex-digit canonical user id of an account. */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`canonical-user:${accountId}`).digest('hex');
}

/** `<Owner><ID>…</ID></Owner>` (S3 no longer sends DisplayName). */
export function ownerXml(accountId: string, element = 'Owner'): string {
  return el(element, text('ID', canonicalUserId(accountId)));
}

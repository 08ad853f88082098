/**
 * The volumes table's single-table layout, and the mapping between its items and the domain's types.
 *
 *   volume      pk = VOL#<id>      sk = META
 *   name claim  pk = NAME#<name>   sk = NAME                 volumeId
 *   membership  pk = VOL#<id>      sk = MEMBER#<subject>     gsi1pk = SUBJECT#<subject>, gsi1sk = VOL#<id>
 *   idempotency pk = IDEMPOTENCY#<sha256 of [subject, key]>  sk = IDEMPOTENCY   volumeId, fingerprint, …,
 *               expiresAtEpoch (the table's TTL attribute; only these items carry it)
 *
 * Every item also carries `type` (volume | name | member) so a raw scan reads unambiguously.
 */
import { createHash } from 'node:crypto';
import type { IdempotencyRecord } from '../../volumes/idempotency';
import type { Member, MemberAccess, Volume } from '../../volumes/model';

export const BY_SUBJECT_INDEX = 'bySubject';
export const TABLE_KEY = ['pk', 'sk'] as const;
export const BY_SUBJECT_KEY = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

export const MEMBER_PREFIX = 'MEMBER#';
export const volumePk = (id: string) => `VOL#${id}`;
export const subjectPk = (subject: string) => `SUBJECT#${subject}`;
export const memberSk = (subject: string) => `${MEMBER_PREFIX}${subject}`;

export const volumeKey = (id: string) => ({ pk: volumePk(id), sk: 'META' });
export const nameKey = (name: string) => ({ pk: `NAME#${name}`, sk: 'NAME' });
export const memberKey = (volumeId: string, subject: string) => ({ pk: volumePk(volumeId), sk: memberSk(subject) });

/** Hashed, so any subject and key fit the key size and no `#` in them can be confused with the layout's own. */
export const idempotencyKey = (subject: string, key: string) => ({
  pk: `IDEMPOTENCY#${createHash('sha256')
    .update(JSON.stringify([subject, key]))
    .digest('hex')}`,
  sk: 'IDEMPOTENCY',
});

type Item = Record<string, unknown>;

export function idempotencyItem(record: IdempotencyRecord): Item {
  return {
    ...idempotencyKey(record.subject, record.key),
    type: 'idempotency',
    ...record,
    expiresAtEpoch: Math.floor(Date.parse(record.expiresAt) / 1000),
  };
}

export function toIdempotencyRecord(item: Item): IdempotencyRecord {
  return {
    subject: item.subject as string,
    key: item.key as string,
    fingerprint: item.fingerprint as string,
    volumeId: item.volumeId as string,
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as string,
  };
}

export function volumeItem(volume: Volume): Item {
  return { ...volume, ...volumeKey(volume.id), type: 'volume' };
}

export function nameClaimItem(volume: Volume): Item {
  return { ...nameKey(volume.name), type: 'name', volumeId: volume.id };
}

export function memberItem(member: Member): Item {
  return {
    ...memberKey(member.volumeId, member.subject),
    gsi1pk: subjectPk(member.subject),
    gsi1sk: volumePk(member.volumeId),
    type: 'member',
    volumeId: member.volumeId,
    subject: member.subject,
    access: member.access,
    addedBy: member.addedBy,
    addedAt: member.addedAt,
  };
}

/** Only the domain's fields, each once; optional ones only when stored. */
export function toVolume(item: Item): Volume {
  const volume: Volume = {
    id: item.id as string,
    name: item.name as string,
    bucket: item.bucket as string,
    prefix: (item.prefix as string | undefined) ?? '',
    region: item.region as string,
    accessMode: item.accessMode as Volume['accessMode'],
    auth: item.auth as Volume['auth'],
    requireMfa: Boolean(item.requireMfa),
    status: item.status as Volume['status'],
    ownerSubject: item.ownerSubject as string,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    version: Number(item.version),
  };
  if (item.description !== undefined) volume.description = item.description as string;
  if (item.externalId !== undefined) volume.externalId = item.externalId as string;
  if (item.lastVerification !== undefined) volume.lastVerification = item.lastVerification as Volume['lastVerification'];
  if (typeof item.sessionsRevokedAt === 'string') volume.sessionsRevokedAt = item.sessionsRevokedAt;
  return volume;
}

export function toMember(item: Item): Member {
  return {
    volumeId: item.volumeId as string,
    subject: item.subject as string,
    access: item.access as MemberAccess,
    addedBy: item.addedBy as string,
    addedAt: item.addedAt as string,
  };
}

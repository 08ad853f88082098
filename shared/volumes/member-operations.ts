/**
 * Sharing a volume, and reading its audit trail.
 *
 * Rules:
 * - Admins add, change and remove members. A member may remove themselves.
 * - The owner's membership is always `admin`: nobody, the owner included, can change or remove it (the owner
 *   gives a volume up by deleting it). Putting `admin` for the owner again is accepted and changes nothing.
 * - Every member may list the members: whoever shares the data may see who else has access to it.
 * - The audit trail is for admins.
 * - A member's refused attempt is audited (outcome `denied`) before the refusal is thrown; a non-member gets
 *   `VolumeNotFound` and nothing is written.
 */
import { Forbidden, NotFound, ValidationFailed } from '../errors';
import { isAdmin, loadVisible, type Visible } from './access';
import { type AuditQueryInput, auditFilter, isFiltered } from './audit-filter';
import type { Caller, VolumeDeps } from './deps';
import { asAdmin, auditEvent, deny } from './guard';
import type { AuditEvent, Member, MemberAccess, Page } from './model';
import { pageRequest } from './paging';
import { type MemberView, memberView } from './view';

type PageInput = { limit?: number; nextToken?: string };

const MEMBER_ACCESS: readonly string[] = ['read', 'write', 'admin'];
const MAX_SUBJECT_LENGTH = 256;

function checkSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || /\p{Cc}/u.test(subject)) {
    throw new ValidationFailed(
      `subject: must be the member's subject (the "sub" of their token), 1 to ${MAX_SUBJECT_LENGTH} characters without control characters.`,
      'subject',
    );
  }
}

const ownerFixed = (what: string) =>
  new Forbidden(
    `The owner's membership is always admin and cannot be ${what}; the owner gives a volume up by deleting it.`,
    'OwnerMembershipFixed',
  );

/** Grants `subject` the access (admins); replaces an existing membership. */
export async function putMember(
  deps: VolumeDeps,
  caller: Caller,
  volumeId: string,
  subject: string,
  access: MemberAccess,
): Promise<MemberView> {
  checkSubject(subject);
  if (!MEMBER_ACCESS.includes(access)) throw new ValidationFailed('access: must be "read", "write" or "admin".', 'access');
  const visible = await asAdmin(deps, caller, volumeId, 'member.put');
  const { volume } = visible;
  if (subject === volume.ownerSubject) {
    if (access !== 'admin') return deny(deps, caller, visible, 'member.put', ownerFixed('changed'));
    const owner = subject === caller.subject ? visible.member : await deps.repo.getMember(volumeId, subject);
    if (owner) return memberView(owner, volume);
  }
  const previous = subject === caller.subject ? visible.member : await deps.repo.getMember(volumeId, subject);
  const member: Member = { volumeId, subject, access, addedBy: caller.subject, addedAt: deps.clock.now().toISOString() };
  await deps.repo.putMember(member, {
    audit: auditEvent(deps, caller, volumeId, 'member.put', 'succeeded', {
      member: subject,
      access,
      ...(previous ? { previous: previous.access } : {}),
    }),
  });
  return memberView(member, volume);
}

/** The volume's members (any member may list them). */
export async function listMembers(deps: VolumeDeps, caller: Caller, volumeId: string, page?: PageInput): Promise<Page<MemberView>> {
  const request = pageRequest(page);
  const { volume } = await loadVisible(deps.repo, volumeId, caller.subject);
  const result = await deps.repo.listMembers(volumeId, request);
  return { items: result.items.map((m) => memberView(m, volume)), ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}

/** Removes a member (admins; any member may remove themselves; never the owner). */
export async function deleteMember(deps: VolumeDeps, caller: Caller, volumeId: string, subject: string): Promise<void> {
  checkSubject(subject);
  const visible: Visible = await loadVisible(deps.repo, volumeId, caller.subject);
  const self = subject === caller.subject;
  if (!self && !isAdmin(visible.member)) {
    return deny(
      deps,
      caller,
      visible,
      'member.delete',
      new Forbidden(`Only the volume's admins may remove other members; your access is "${visible.member.access}".`, 'NotVolumeAdmin'),
    );
  }
  if (subject === visible.volume.ownerSubject) return deny(deps, caller, visible, 'member.delete', ownerFixed('removed'));
  const target = self ? visible.member : await deps.repo.getMember(volumeId, subject);
  if (!target) throw new NotFound(`"${subject}" is not a member of this volume.`, 'MemberNotFound');
  await deps.repo.deleteMember(volumeId, subject, {
    audit: auditEvent(deps, caller, volumeId, 'member.delete', 'succeeded', {
      member: subject,
      access: target.access,
      ...(self ? { self: true } : {}),
    }),
  });
}

/** The volume's audit trail, newest first (admins), narrowed by subject, action and time when asked. */
export async function listAudit(
  deps: VolumeDeps,
  caller: Caller,
  volumeId: string,
  page?: PageInput & AuditQueryInput,
): Promise<Page<AuditEvent>> {
  const request = pageRequest(page);
  const filter = auditFilter(page);
  await asAdmin(deps, caller, volumeId, 'audit.list');
  return isFiltered(filter) ? deps.audit.list(volumeId, request, filter) : deps.audit.list(volumeId, request);
}

/**
 * What callers see of volumes and memberships. Every member sees the volume and their own effective access;
 * admins also see the external id and the setup (the policies and commands to apply to the role).
 */
import { dataAccessOf, isAdmin } from './access';
import type { DataAccess, Member, MemberAccess, Volume } from './model';
import { type SetupSettings, setupFor, type VolumeSetup } from './policies';

/** The volume's own fields as stored, plus who owns it and what the caller may do. */
export interface VolumeView
  extends Pick<
    Volume,
    | 'id'
    | 'name'
    | 'bucket'
    | 'prefix'
    | 'region'
    | 'accessMode'
    | 'auth'
    | 'requireMfa'
    | 'description'
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'lastVerification'
    | 'sessionsRevokedAt'
  > {
  /** The owner's subject. */
  owner: string;
  /** The caller's access: their membership, and what it allows with the data under the volume's mode. */
  access: { membership: MemberAccess; data: DataAccess };
  /** Admins only; role volumes only. */
  externalId?: string;
  /** Admins only; absent from listings, and for web-identity volumes when the deployment offers no issuer. */
  setup?: VolumeSetup;
}

export interface MemberView {
  subject: string;
  access: MemberAccess;
  addedBy: string;
  addedAt: string;
  /** The owner's membership is always `admin` and cannot be changed or removed. */
  owner: boolean;
}

export function volumeView(volume: Volume, member: Member, settings: SetupSettings, options: { setup?: boolean } = {}): VolumeView {
  const view: VolumeView = {
    id: volume.id,
    name: volume.name,
    bucket: volume.bucket,
    prefix: volume.prefix,
    region: volume.region,
    accessMode: volume.accessMode,
    auth: { ...volume.auth },
    requireMfa: volume.requireMfa,
    ...(volume.description !== undefined ? { description: volume.description } : {}),
    status: volume.status,
    owner: volume.ownerSubject,
    createdAt: volume.createdAt,
    updatedAt: volume.updatedAt,
    ...(volume.lastVerification ? { lastVerification: volume.lastVerification } : {}),
    ...(volume.sessionsRevokedAt ? { sessionsRevokedAt: volume.sessionsRevokedAt } : {}),
    access: { membership: member.access, data: dataAccessOf(volume, member) },
  };
  if (!isAdmin(member)) return view;
  if (volume.externalId !== undefined) view.externalId = volume.externalId;
  const withSetup = options.setup ?? true;
  const offered =
    volume.auth.type === 'role' ||
    (volume.auth.type === 'gateway-oidc' ? settings.gatewayIssuer !== undefined : settings.oidc !== undefined);
  if (withSetup && offered) view.setup = setupFor(volume, settings);
  return view;
}

export function memberView(member: Member, volume: Pick<Volume, 'ownerSubject'>): MemberView {
  return {
    subject: member.subject,
    access: member.access,
    addedBy: member.addedBy,
    addedAt: member.addedAt,
    owner: member.subject === volume.ownerSubject,
  };
}

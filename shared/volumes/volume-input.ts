/**
 * The domain's own check of create and update input, after the schemas': the same naming rules, the prefix
 * normalised, and the rules that need the deployment's settings (web identity offered, partitions reachable).
 * Everything is checked before anything is read or written.
 */
import { ValidationFailed } from '../errors';
import type { AccessMode, Volume, VolumeAuth } from './model';
import { assertBucketName, assertRegion, assertRoleArn, normalisePrefix } from './naming';
import { requireGatewayIssuer, requireOidc, type SetupSettings } from './policies';
import type { CreateVolumeInput, UpdateVolumeInput } from './schemas';

const MAX_DESCRIPTION = 1024;
const ACCESS_MODES: readonly string[] = ['read-only', 'read-write'];

const invalid = (field: string, problem: string) => new ValidationFailed(`${field}: ${problem}`, field);

function accessMode(value: unknown): AccessMode {
  if (typeof value === 'string' && ACCESS_MODES.includes(value)) return value as AccessMode;
  throw invalid('accessMode', 'must be "read-only" or "read-write".');
}

function description(value: unknown): string | undefined {
  if (typeof value !== 'string') throw invalid('description', 'must be a string.');
  if (value.length > MAX_DESCRIPTION) throw invalid('description', `must be at most ${MAX_DESCRIPTION} characters (got ${value.length}).`);
  return value === '' ? undefined : value;
}

function requireMfa(value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid('requireMfa', 'must be true or false.');
  return value;
}

const partitionOfArn = (arn: string) => arn.split(':')[1] ?? '';

/** The fields of a new volume, validated and normalised. */
export type VolumeFields = Pick<Volume, 'name' | 'bucket' | 'prefix' | 'region' | 'accessMode' | 'auth' | 'requireMfa' | 'description'>;

export function validateCreate(input: CreateVolumeInput, settings: SetupSettings): VolumeFields {
  const str = (field: string, value: unknown): string => {
    if (typeof value !== 'string') throw invalid(field, value === undefined ? 'is required.' : 'must be a string.');
    return value;
  };
  const name = assertBucketName(str('name', input.name), 'name');
  const bucket = assertBucketName(str('bucket', input.bucket), 'bucket');
  const prefix = normalisePrefix(input.prefix === undefined ? undefined : str('prefix', input.prefix));
  const region = assertRegion(str('region', input.region));
  const mode = accessMode(input.accessMode);
  const type = (input.auth as { type?: unknown } | undefined)?.type;
  if (type !== 'role' && type !== 'web-identity' && type !== 'gateway-oidc') {
    throw invalid('auth.type', 'must be "role", "web-identity" or "gateway-oidc".');
  }
  const role = assertRoleArn(str('auth.roleArn', input.auth.roleArn), region);
  if (type === 'web-identity') {
    requireOidc(settings);
  } else if (type === 'gateway-oidc') {
    requireGatewayIssuer(settings);
  } else {
    const ours = partitionOfArn(settings.gatewayPrincipalArn);
    if (role.partition !== ours) {
      throw invalid(
        'region',
        `is in the partition ${role.partition}, but this deployment runs in ${ours} and cannot assume roles in another partition.`,
      );
    }
  }
  const auth: VolumeAuth = { type, roleArn: input.auth.roleArn };
  const text = input.description === undefined ? undefined : description(input.description);
  return {
    name,
    bucket,
    prefix,
    region,
    accessMode: mode,
    auth,
    requireMfa: input.requireMfa === undefined ? false : requireMfa(input.requireMfa),
    ...(text !== undefined ? { description: text } : {}),
  };
}

export interface VolumeChange {
  /** The volume with the patch applied (same version and timestamps; the caller bumps them). */
  next: Volume;
  /** Names of the fields whose value changed. */
  changed: string[];
  /** `read-only` became `read-write`: the role must be verified again. */
  widened: boolean;
}

/** Checks a patch on its own, before the volume is read: at least one field, each valid. */
export function validatePatch(patch: UpdateVolumeInput): void {
  if (patch.description === undefined && patch.accessMode === undefined && patch.requireMfa === undefined) {
    throw new ValidationFailed('Name at least one field to change: description, accessMode or requireMfa.');
  }
  if (patch.description !== undefined) description(patch.description);
  if (patch.accessMode !== undefined) accessMode(patch.accessMode);
  if (patch.requireMfa !== undefined) requireMfa(patch.requireMfa);
}

/** The volume with a validated patch applied, and what changed. */
export function applyPatch(volume: Volume, patch: UpdateVolumeInput): VolumeChange {
  validatePatch(patch);
  const next: Volume = { ...volume };
  const changed: string[] = [];
  if (patch.description !== undefined) {
    const text = description(patch.description);
    if (text !== volume.description) {
      changed.push('description');
      if (text === undefined) delete next.description;
      else next.description = text;
    }
  }
  if (patch.requireMfa !== undefined && requireMfa(patch.requireMfa) !== volume.requireMfa) {
    changed.push('requireMfa');
    next.requireMfa = patch.requireMfa;
  }
  let widened = false;
  if (patch.accessMode !== undefined && accessMode(patch.accessMode) !== volume.accessMode) {
    changed.push('accessMode');
    next.accessMode = patch.accessMode;
    widened = patch.accessMode === 'read-write';
    if (widened) next.status = 'pending';
  }
  return { next, changed, widened };
}

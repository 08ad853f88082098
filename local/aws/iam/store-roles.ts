/** IAM roles: trust policy, inline policies, tags. Callers validate input; this keeps the records consistent. */
import { AwsError } from '../types';
import { newId } from './ids';
import { iso, nameKey, type RoleRecord, type StoreContext, type Tag } from './store-model';

export interface NewRole {
  roleName: string;
  path: string;
  assumeRolePolicyDocument: string;
  trustBindings: Record<string, string>;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
}

export const noSuchRole = (roleName: string) => new AwsError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404);

/** Parses `arn:aws:iam::ACCT:role/PATH/NAME`. */
export function parseRoleArn(arn: string): { accountId: string; path: string; roleName: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[^/]+\/)*)([\w+=,.@-]+)$/.exec(arn);
  return m ? { accountId: m[1]!, path: m[2]!, roleName: m[3]! } : undefined;
}

/** Merges tags, a new value replacing an old one whose key differs only in case (IAM tag keys are case-insensitive). */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const result = [...existing];
  for (const tag of added) {
    const i = result.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (i >= 0) result[i] = tag;
    else result.push(tag);
  }
  return result;
}

export class RoleRepo {
  constructor(private readonly ctx: StoreContext) {}

  get(accountId: string, roleName: string): RoleRecord | undefined {
    return this.ctx.account(accountId)?.roles[nameKey(roleName)];
  }

  /** The role an ARN names, only if the ARN (path included) is exactly the role's. */
  findByArn(arn: string): RoleRecord | undefined {
    const parsed = parseRoleArn(arn);
    if (!parsed) return undefined;
    const role = this.get(parsed.accountId, parsed.roleName);
    return role && role.arn === arn ? role : undefined;
  }

  list(accountId: string): RoleRecord[] {
    return Object.values(this.ctx.account(accountId)?.roles ?? {});
  }

  create(accountId: string, input: NewRole): RoleRecord {
    const account = this.ctx.account(accountId);
    if (!account) throw new AwsError('NoSuchEntity', `The account ${accountId} does not exist.`, 404);
    if (account.roles[nameKey(input.roleName)]) {
      throw new AwsError('EntityAlreadyExists', `Role with name ${input.roleName} already exists.`, 409);
    }
    const role: RoleRecord = {
      ...input,
      roleId: newId('AROA', this.ctx.random),
      arn: `arn:aws:iam::${accountId}:role${input.path}${input.roleName}`,
      createDate: iso(this.ctx.now()),
      policies: {},
    };
    account.roles[nameKey(input.roleName)] = role;
    this.ctx.commit();
    return role;
  }

  update(accountId: string, roleName: string, patch: Partial<Pick<RoleRecord, 'description' | 'maxSessionDuration'>>) {
    const role = this.require(accountId, roleName);
    if (patch.description !== undefined) role.description = patch.description;
    if (patch.maxSessionDuration !== undefined) role.maxSessionDuration = patch.maxSessionDuration;
    this.ctx.commit();
    return role;
  }

  setTrustPolicy(accountId: string, roleName: string, document: string, bindings: Record<string, string>) {
    const role = this.require(accountId, roleName);
    role.assumeRolePolicyDocument = document;
    role.trustBindings = bindings;
    this.ctx.commit();
  }

  putPolicy(accountId: string, roleName: string, policyName: string, document: string): void {
    const role = this.require(accountId, roleName);
    role.policies[nameKey(policyName)] = { name: policyName, document };
    this.ctx.commit();
  }

  deletePolicy(accountId: string, roleName: string, policyName: string): void {
    const role = this.require(accountId, roleName);
    if (!role.policies[nameKey(policyName)]) {
      throw new AwsError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
    }
    delete role.policies[nameKey(policyName)];
    this.ctx.commit();
  }

  tag(accountId: string, roleName: string, tags: Tag[]): RoleRecord {
    const role = this.require(accountId, roleName);
    const merged = mergeTags(role.tags, tags);
    if (merged.length > 50) {
      throw new AwsError('LimitExceeded', 'The number of tags has reached the maximum limit of 50.', 409);
    }
    role.tags = merged;
    this.ctx.commit();
    return role;
  }

  untag(accountId: string, roleName: string, keys: string[]): void {
    const role = this.require(accountId, roleName);
    const drop = new Set(keys.map((k) => k.toLowerCase()));
    role.tags = role.tags.filter((t) => !drop.has(t.Key.toLowerCase()));
    this.ctx.commit();
  }

  delete(accountId: string, roleName: string): void {
    const role = this.require(accountId, roleName);
    if (Object.keys(role.policies).length > 0) {
      throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
    }
    delete this.ctx.account(accountId)!.roles[nameKey(roleName)];
    this.ctx.commit();
  }

  require(accountId: string, roleName: string): RoleRecord {
    const role = this.get(accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    return role;
  }
}

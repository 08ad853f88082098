/**
 * The accounts `npm start` runs with: a platform account whose role `volume-gateway` the service runs as, and
 * customer accounts, each with an IAM user `admin` allowed everything and one access key. Idempotent: a second
 * run (the store persists) finds everything in place and returns the same ids and keys.
 */
import type { IamStore } from './store';
import type { SessionCredentials } from './store-sessions';
import { checkTrustPolicy } from './trust-policy';

export const PLATFORM_ACCOUNT_ID = '000000000000';
export const CUSTOMER_ACCOUNT_IDS = ['111111111111', '222222222222'] as const;
export const PLATFORM_ROLE_NAME = 'volume-gateway';
export const ADMIN_USER_NAME = 'admin';

export interface SeedOptions {
  platformAccountId?: string;
  customerAccountIds?: readonly string[];
  platformRoleName?: string;
  /** The platform role's permissions (JSON); by default broad. `npm start` passes serverless.yml's statements. */
  platformPolicy?: string;
}

export interface SeededCustomer {
  accountId: string;
  userName: string;
  userArn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SeededAccounts {
  platform: { accountId: string; roleName: string; roleArn: string };
  customers: SeededCustomer[];
  /** The service's own credentials: a session of the platform role (so its AssumeRole calls are role chaining). */
  mintRoleSession(roleArn: string, options: { durationSeconds?: number; sessionName: string }): SessionCredentials;
}

/** The Lambda service may assume the platform role; no caller of the local endpoint matches a service principal. */
const PLATFORM_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export const platformRolePolicy = (platformAccountId: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeCustomerRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Resource: 'arn:aws:iam::*:role/*',
      },
      { Sid: 'OwnTables', Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:*:${platformAccountId}:table/*` },
    ],
  });

export const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

function seedPlatform(store: IamStore, accountId: string, roleName: string, policy: string) {
  store.ensureAccount(accountId);
  const role =
    store.roles.get(accountId, roleName) ??
    store.roles.create(accountId, {
      roleName,
      path: '/',
      assumeRolePolicyDocument: PLATFORM_TRUST,
      trustBindings: checkTrustPolicy(store, PLATFORM_TRUST),
      description: 'The volume-gateway service (Lambda execution role)',
      maxSessionDuration: 3600,
      tags: [],
    });
  if (role.policies[roleName.toLowerCase()]?.document !== policy) store.roles.putPolicy(accountId, roleName, roleName, policy);
  return { accountId, roleName: role.roleName, roleArn: role.arn };
}

function seedCustomer(store: IamStore, accountId: string): SeededCustomer {
  store.ensureAccount(accountId);
  const user = store.users.get(accountId, ADMIN_USER_NAME) ?? store.users.create(accountId, ADMIN_USER_NAME);
  if (user.policies.administratoraccess?.document !== ADMIN_POLICY) {
    store.users.putPolicy(accountId, ADMIN_USER_NAME, 'AdministratorAccess', ADMIN_POLICY);
  }
  const key =
    store.users.accessKeys(accountId, ADMIN_USER_NAME).find((k) => k.status === 'Active') ??
    store.users.createAccessKey(accountId, ADMIN_USER_NAME);
  return { accountId, userName: user.userName, userArn: user.arn, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}

export function seedLocalAccounts(store: IamStore, options: SeedOptions = {}): SeededAccounts {
  const platformAccountId = options.platformAccountId ?? PLATFORM_ACCOUNT_ID;
  const platform = seedPlatform(
    store,
    platformAccountId,
    options.platformRoleName ?? PLATFORM_ROLE_NAME,
    options.platformPolicy ?? platformRolePolicy(platformAccountId),
  );
  const customers = (options.customerAccountIds ?? CUSTOMER_ACCOUNT_IDS).map((id) => seedCustomer(store, id));
  return {
    platform,
    customers,
    mintRoleSession: (roleArn, opts) => store.mintRoleSession(roleArn, opts),
  };
}

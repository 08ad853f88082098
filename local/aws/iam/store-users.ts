/** IAM users, their inline policies and their long-term access keys. */
import { AwsError } from '../types';
import { newId, newSecretAccessKey } from './ids';
import { type AccessKeyEntry, iso, nameKey, type StoreContext, type UserRecord } from './store-model';

export class UserRepo {
  constructor(private readonly ctx: StoreContext) {}

  get(accountId: string, userName: string): UserRecord | undefined {
    return this.ctx.account(accountId)?.users[nameKey(userName)];
  }

  create(accountId: string, userName: string, path = '/'): UserRecord {
    const account = this.ctx.account(accountId);
    if (!account) throw new AwsError('NoSuchEntity', `The account ${accountId} does not exist.`, 404);
    if (account.users[nameKey(userName)]) {
      throw new AwsError('EntityAlreadyExists', `User with name ${userName} already exists.`, 409);
    }
    const user: UserRecord = {
      userName,
      userId: newId('AIDA', this.ctx.random),
      path,
      arn: `arn:aws:iam::${accountId}:user${path}${userName}`,
      createDate: iso(this.ctx.now()),
      policies: {},
      tags: [],
    };
    account.users[nameKey(userName)] = user;
    this.ctx.commit();
    return user;
  }

  putPolicy(accountId: string, userName: string, policyName: string, document: string): void {
    const user = this.require(accountId, userName);
    user.policies[nameKey(policyName)] = { name: policyName, document };
    this.ctx.commit();
  }

  createAccessKey(accountId: string, userName: string): AccessKeyEntry {
    const user = this.require(accountId, userName);
    const entry: AccessKeyEntry = {
      accessKeyId: newId('AKIA', this.ctx.random),
      secretAccessKey: newSecretAccessKey(this.ctx.random),
      accountId,
      userName: user.userName,
      status: 'Active',
      createDate: iso(this.ctx.now()),
    };
    this.ctx.state.accessKeys[entry.accessKeyId] = entry;
    this.ctx.commit();
    return entry;
  }

  accessKeys(accountId: string, userName: string): AccessKeyEntry[] {
    return Object.values(this.ctx.state.accessKeys).filter((k) => k.accountId === accountId && nameKey(k.userName) === nameKey(userName));
  }

  private require(accountId: string, userName: string): UserRecord {
    const user = this.get(accountId, userName);
    if (!user) throw new AwsError('NoSuchEntity', `The user with name ${userName} cannot be found.`, 404);
    return user;
  }
}

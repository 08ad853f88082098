/** IAM OpenID Connect providers: `arn:aws:iam::ACCT:oidc-provider/HOST/PATH`. */
import { AwsError } from '../types';
import { iso, type OidcProviderRecord, type StoreContext, type Tag } from './store-model';

/** `https://host/path/` → `host/path`: the provider's id in its ARN and in condition keys (`host/path:sub`). */
export function oidcProviderId(url: string): string {
  return url.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
}

export const oidcProviderArn = (accountId: string, url: string) => `arn:aws:iam::${accountId}:oidc-provider/${oidcProviderId(url)}`;

const notFound = (arn: string) => new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404);

export class OidcRepo {
  constructor(private readonly ctx: StoreContext) {}

  create(accountId: string, input: { url: string; clientIds: string[]; thumbprints: string[]; tags: Tag[] }) {
    const account = this.ctx.account(accountId);
    if (!account) throw new AwsError('NoSuchEntity', `The account ${accountId} does not exist.`, 404);
    const arn = oidcProviderArn(accountId, input.url);
    if (account.oidcProviders[arn]) {
      throw new AwsError('EntityAlreadyExists', `Provider with url ${input.url} already exists.`, 409);
    }
    const record: OidcProviderRecord = { arn, ...input, createDate: iso(this.ctx.now()) };
    account.oidcProviders[arn] = record;
    this.ctx.commit();
    return record;
  }

  get(arn: string): OidcProviderRecord | undefined {
    const accountId = /^arn:aws:iam::(\d{12}):oidc-provider\//.exec(arn)?.[1];
    return accountId ? this.ctx.account(accountId)?.oidcProviders[arn] : undefined;
  }

  require(arn: string): OidcProviderRecord {
    const record = this.get(arn);
    if (!record) throw notFound(arn);
    return record;
  }

  list(accountId: string): OidcProviderRecord[] {
    return Object.values(this.ctx.account(accountId)?.oidcProviders ?? {});
  }

  /** The provider whose URL is exactly a token's `iss` (a trailing slash aside), in one account. */
  findByIssuer(accountId: string, issuer: string): OidcProviderRecord | undefined {
    const wanted = issuer.replace(/\/+$/, '');
    return this.list(accountId).find((p) => p.url.replace(/\/+$/, '') === wanted);
  }

  /** Lists one more client id (IAM: idempotent, an id already listed is no error); `false` when the provider is full. */
  addClientId(arn: string, clientId: string, limit: number): boolean {
    const record = this.require(arn);
    if (record.clientIds.includes(clientId)) return true;
    if (record.clientIds.length >= limit) return false;
    record.clientIds.push(clientId);
    this.ctx.commit();
    return true;
  }

  delete(arn: string): void {
    const record = this.require(arn);
    const accountId = /^arn:aws:iam::(\d{12}):/.exec(record.arn)![1]!;
    delete this.ctx.account(accountId)!.oidcProviders[arn];
    this.ctx.commit();
  }
}

/**
 * The local IAM endpoint (AWS Query protocol, API version 2010-05-08). Every action acts in the caller's own
 * account and is authorized first (`iam:CreateRole` on the role's ARN, …), as IAM does.
 */
import { dispatchQuery, IAM_QUERY, type QueryHandler, xmlElement, xmlText } from '../query-protocol';
import { type Authorizer, AwsError, type AwsRequest, type AwsResponse, type Caller } from '../types';
import * as oidc from './oidc-actions';
import * as roles from './role-actions';
import { allow, type IamContext } from './service-context';
import type { IamStore } from './store';
import { checkLength, checkPattern, missingAuthentication, NAME_PATTERN, NAME_PATTERN_TEXT } from './validation';

export interface IamServiceDeps {
  store: IamStore;
  authorize: Authorizer;
  now?: () => Date;
}

export interface IamService {
  handle(req: AwsRequest, form: URLSearchParams): Promise<AwsResponse>;
}

function getUser(ctx: IamContext, caller: Caller, form: URLSearchParams): string {
  const requested = form.get('UserName');
  if (requested === null && caller.kind === 'root') {
    allow(ctx, caller, 'iam:GetUser', caller.arn);
    const created = ctx.store.account(caller.accountId)?.createDate;
    return xmlElement('User', xmlText('UserId', caller.accountId) + xmlText('Arn', caller.arn) + xmlText('CreateDate', created));
  }
  if (requested === null && caller.kind !== 'user') {
    throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
  }
  const name = requested ?? caller.arn.split('/').pop() ?? '';
  checkPattern(checkLength(name, 'userName', 1, 64), 'userName', NAME_PATTERN, NAME_PATTERN_TEXT);
  const user = ctx.store.users.get(caller.accountId, name);
  allow(ctx, caller, 'iam:GetUser', user?.arn ?? `arn:aws:iam::${caller.accountId}:user/${name}`);
  if (!user) throw new AwsError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
  return xmlElement(
    'User',
    xmlText('Path', user.path) +
      xmlText('UserName', user.userName) +
      xmlText('UserId', user.userId) +
      xmlText('Arn', user.arn) +
      xmlText('CreateDate', user.createDate),
  );
}

type IamAction = (ctx: IamContext, caller: Caller, form: URLSearchParams) => string | undefined;

const ACTIONS: Record<string, IamAction> = {
  CreateRole: roles.createRole,
  GetRole: roles.getRole,
  UpdateRole: roles.updateRole,
  UpdateAssumeRolePolicy: roles.updateAssumeRolePolicy,
  PutRolePolicy: roles.putRolePolicy,
  GetRolePolicy: roles.getRolePolicy,
  ListRolePolicies: roles.listRolePolicies,
  DeleteRolePolicy: roles.deleteRolePolicy,
  DeleteRole: roles.deleteRole,
  TagRole: roles.tagRole,
  UntagRole: roles.untagRole,
  ListRoleTags: roles.listRoleTags,
  CreateOpenIDConnectProvider: oidc.createOpenIDConnectProvider,
  GetOpenIDConnectProvider: oidc.getOpenIDConnectProvider,
  ListOpenIDConnectProviders: oidc.listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: oidc.deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: oidc.addClientIDToOpenIDConnectProvider,
  GetUser: getUser,
};

export function createIamService(deps: IamServiceDeps): IamService {
  const ctx: IamContext = { store: deps.store, authorize: deps.authorize, now: deps.now ?? (() => new Date()) };
  const handlers: Record<string, QueryHandler> = Object.fromEntries(
    Object.entries(ACTIONS).map(([name, action]) => [
      name,
      (req: AwsRequest, form: URLSearchParams) => {
        if (!req.caller) throw missingAuthentication();
        return action(ctx, req.caller, form);
      },
    ]),
  );
  return { handle: (req, form) => dispatchQuery(IAM_QUERY, req, form, handlers) };
}

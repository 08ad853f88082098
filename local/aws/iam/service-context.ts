/** What every IAM action gets, and the one way they authorize the caller. */
import type { Authorizer, Caller, ConditionContext } from '../types';
import type { IamStore } from './store';
import { accessDenied } from './validation';

export interface IamContext {
  store: IamStore;
  authorize: Authorizer;
  now: () => Date;
}

/** Throws AccessDenied (AWS's wording plus the authorizer's reason) unless the caller may do `action` on `resource`. */
export function allow(ctx: IamContext, caller: Caller, action: string, resource: string, context: ConditionContext = {}): void {
  const decision = ctx.authorize(caller, action, resource, context);
  if (!decision.allowed) throw accessDenied(caller, action, resource, decision);
}

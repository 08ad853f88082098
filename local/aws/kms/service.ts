/**
 * The KMS service of the local endpoint, on KMS's own wire protocol: JSON 1.1, the operation in
 * `X-Amz-Target: TrentService.<Op>`, blobs as base64, timestamps as epoch seconds, errors as
 * `{"__type": "<Code>", "message": "…"}`. The dispatcher has verified the signature; each request is authorized
 * here with IAM (`kms:<Op>` on the key's ARN; `*` for CreateKey, ListKeys and ListAliases). Keys are the
 * caller's account's (a key's default policy lets the account's IAM policies decide, as at AWS); a key of
 * another account is refused, there being no key policy here that could grant it.
 */
import type { Authorizer, AwsRequest, AwsResponse, ConditionContext } from '../types';
import { AwsError } from '../types';
import { type KmsCall, type KmsOperation, operations } from './operations';
import type { KmsKey, KmsStore } from './store';

export const KMS_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface KmsService {
  handle(request: AwsRequest, body: Buffer): Promise<AwsResponse>;
  store: KmsStore;
}

/** A KMS error answer, as the JSON 1.1 protocol carries it. */
export function kmsError(code: string, message: string, status = 400): AwsResponse {
  return {
    status,
    headers: { 'content-type': KMS_CONTENT_TYPE, 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
  };
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createKmsService(options: { store: KmsStore; authorize: Authorizer; now?: () => Date }): KmsService {
  const now = options.now ?? (() => new Date());
  const { store } = options;

  function call(operation: KmsOperation, request: AwsRequest, input: Record<string, unknown>): KmsCall {
    const caller = request.caller!;
    const region = request.region;
    const authorize = (resource: string, context: ConditionContext = {}) => {
      const action = `kms:${operation}`;
      const decision = options.authorize(caller, action, resource, context);
      if (!decision.allowed) {
        throw new AwsError(
          'AccessDeniedException',
          `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ` +
            `${decision.explicitDeny ? 'with' : 'because'} ${decision.reason}`,
        );
      }
    };
    const key = (field: string, context: ConditionContext = {}): KmsKey => {
      const ref = input[field];
      if (typeof ref !== 'string' || ref.length === 0 || ref.length > 2048) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: ` +
            'Member must have length between 1 and 2048',
        );
      }
      const arn = resolveKeyArn(ref, caller.accountId, region);
      const [, , , keyRegion, account] = arn.split(':');
      if (account !== caller.accountId) {
        const action = `kms:${operation}`;
        throw new AwsError(
          'AccessDeniedException',
          `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${arn} because no resource-based policy allows the ` +
            `${action} action`,
        );
      }
      const found = keyRegion === region ? store.key(arn) : undefined;
      if (!found) throw new AwsError('NotFoundException', `Key '${arn}' does not exist`);
      const tags = Object.fromEntries(found.tags.map((t) => [`aws:ResourceTag/${t.TagKey}`, t.TagValue]));
      authorize(found.arn, { 'kms:KeySpec': found.keySpec, 'kms:KeyUsage': found.keyUsage, ...tags, ...context });
      return found;
    };
    /** A key id or key ARN as it is; an alias (name or ARN) as the key ARN it points to. */
    function resolveKeyArn(ref: string, accountId: string, inRegion: string): string {
      if (KEY_ID.test(ref)) return `arn:aws:kms:${inRegion}:${accountId}:key/${ref}`;
      if (/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(ref)) return ref;
      const aliasArn = ref.startsWith('alias/') ? `arn:aws:kms:${inRegion}:${accountId}:${ref}` : ref;
      if (/^arn:aws:kms:[a-z0-9-]+:\d{12}:alias\/.+$/.test(aliasArn)) {
        const alias = store.alias(aliasArn);
        if (!alias) throw new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`);
        return `arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}`;
      }
      throw new AwsError('NotFoundException', `Invalid keyId '${ref}'`);
    }
    return { input, caller, region, store, now: now(), key, authorize };
  }

  async function handle(request: AwsRequest, body: Buffer): Promise<AwsResponse> {
    const target = request.headers['x-amz-target'] ?? '';
    const [service, operation = ''] = target.split('.');
    const run = operations[operation as KmsOperation];
    if (service !== 'TrentService' || !run) {
      return kmsError('UnknownOperationException', `The local KMS does not serve ${target || 'a request without X-Amz-Target'}.`);
    }
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return kmsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (!input || typeof input !== 'object' || Array.isArray(input))
      return kmsError('SerializationException', 'The request body must be an object.');
    try {
      const output = run(call(operation as KmsOperation, request, input as Record<string, unknown>));
      return { status: 200, headers: { 'content-type': KMS_CONTENT_TYPE }, body: JSON.stringify(output) };
    } catch (error) {
      if (error instanceof AwsError) return kmsError(error.code, error.message, error.status);
      throw error;
    }
  }

  return { handle, store };
}

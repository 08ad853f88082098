/**
 * The platform's own misconfiguration, against the local stack: its role loses `dynamodb:Query` (the local IAM
 * enforces the role's statements from serverless.yml), and the API answers 500 `DependencyMisconfigured` with
 * the request id, not a 503 "try again", while the function's log line names AWS's error, code, status and
 * request id for an operator, and nothing secret. With the permission back, the same call is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogSink } from '../../shared/log';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let token: string;
let servicePolicy: string;
/** The functions' log lines (they write to the process's sink; the stack's own go to `stack.logLines`). */
const lines: string[] = [];
let undoSink: () => void;

function platformRole() {
  const { accountId, roleName } = stack.accounts.platform;
  const role = stack.iam.roles.get(accountId, roleName)!;
  return { accountId, roleName, policy: role.policies[roleName.toLowerCase()]!.document };
}

function setPlatformPolicy(document: string): void {
  const { accountId, roleName } = platformRole();
  stack.iam.roles.putPolicy(accountId, roleName, roleName, document);
}

beforeAll(async () => {
  undoSink = setLogSink((line) => lines.push(line));
  stack = await startTestStack();
  token = stack.token({ sub: 'alice' });
  servicePolicy = platformRole().policy;
});

afterAll(async () => {
  await stack?.close();
  undoSink();
});

const listVolumes = () => fetch(`${stack.info.apiUrl}/volumes`, { headers: { authorization: `Bearer ${token}` } });

describe('the platform role missing a DynamoDB permission', () => {
  it('is answered 500 DependencyMisconfigured with the request id, logged with AWS’s error name, code, status and request id', async () => {
    expect((await listVolumes()).status).toBe(200);

    const document = JSON.parse(servicePolicy) as { Statement: Array<{ Action: string | string[] }> };
    for (const statement of document.Statement) {
      if (Array.isArray(statement.Action)) statement.Action = statement.Action.filter((action) => action !== 'dynamodb:Query');
    }
    expect(JSON.stringify(document)).not.toContain('dynamodb:Query');
    setPlatformPolicy(JSON.stringify(document));

    const response = await listVolumes();
    const body = (await response.json()) as { code: string; message: string; requestId: string };
    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(body.code).toBe('DependencyMisconfigured');
    expect(body.message).toMatch(/operator must look/);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/AccessDenied|dynamodb|arn:aws/);

    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, any>)
      .find((line) => line.requestId === body.requestId && line.message === 'request refused');
    expect(logged).toMatchObject({
      level: 'error',
      status: 500,
      code: 'DependencyMisconfigured',
      cause: { name: 'AccessDeniedException', code: 'AccessDeniedException', status: 400 },
    });
    expect(logged!.cause.requestId).toMatch(/^\S{8,}$/);
    expect(logged!.cause.message).toContain('dynamodb:Query');
    expect(JSON.stringify(logged)).not.toContain(token.split('.')[2]);
  });

  it('is served again once the permission is back: nothing of the failure was kept', async () => {
    setPlatformPolicy(servicePolicy);
    expect((await listVolumes()).status).toBe(200);
  });
});

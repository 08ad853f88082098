/**
 * DynamoDB on the local endpoint: dynalite behind real SigV4 and IAM checks, plus the transactions and
 * TTL that dynalite lacks, exercised with the AWS SDK as our service uses it.
 */
import {
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessModel } from '../../local/serverless-model';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let db: DynamoDBClient;
const model = loadServerlessModel('serverless.yml', { stage: 'local' });
const volumes = model.tables.find((t) => t.logicalId === 'VolumesTable')!.tableName;
const audit = model.tables.find((t) => t.logicalId === 'AuditTable')!.tableName;

beforeAll(async () => {
  stack = await startTestStack();
  const session = stack.accounts.mintRoleSession(stack.info.gatewayPrincipalArn, { sessionName: 'dynamo-test', durationSeconds: 3600 });
  db = new DynamoDBClient({
    endpoint: stack.info.awsEndpoint,
    region: stack.info.region,
    credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken },
  });
});
afterAll(() => stack?.close());

const item = (pk: string, sk: string, extra: Record<string, { S: string } | { N: string }> = {}) => ({
  pk: { S: pk },
  sk: { S: sk },
  ...extra,
});

describe('local DynamoDB', () => {
  it('has the tables serverless.yml declares, with TTL where declared', async () => {
    const { TableNames } = await stack.dynamo.call<{ TableNames: string[] }>('ListTables', {});
    expect(TableNames).toEqual(expect.arrayContaining(model.tables.map((t) => t.tableName)));
    expect(await stack.dynamo.ttl.describe({ TableName: audit })).toEqual({
      TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' },
    });
  });

  it('refuses our service what serverless.yml does not grant it (least privilege, exercised locally)', async () => {
    await expect(db.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(db.send(new DescribeTimeToLiveCommand({ TableName: audit }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(db.send(new GetItemCommand({ TableName: 'some-other-table', Key: item('a', 'b') }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('refuses a customer’s credentials on the platform’s tables', async () => {
    const customer = stack.info.customers[0]!;
    const foreign = new DynamoDBClient({
      endpoint: stack.info.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: customer.accessKeyId, secretAccessKey: customer.secretAccessKey },
    });
    expect((await foreign.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    await expect(foreign.send(new GetItemCommand({ TableName: volumes, Key: item('a', 'b') }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('refuses a wrong signature', async () => {
    const session = stack.accounts.mintRoleSession(stack.info.gatewayPrincipalArn, { sessionName: 'bad-sig', durationSeconds: 900 });
    const bad = new DynamoDBClient({
      endpoint: stack.info.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: `${session.secretAccessKey}x`, sessionToken: session.sessionToken },
    });
    await expect(bad.send(new GetItemCommand({ TableName: volumes, Key: item('a', 'b') }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
  });

  it('applies a transaction whose conditions hold, all of it', async () => {
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: volumes, Item: item('NAME#alpha', 'LOCK'), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: volumes,
              Item: item('VOL#1', 'META', { name: { S: 'alpha' } }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    expect((await db.send(new GetItemCommand({ TableName: volumes, Key: item('VOL#1', 'META') }))).Item?.name).toEqual({ S: 'alpha' });
  });

  it('applies nothing when one condition fails, and says which one', async () => {
    const attempt = db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: volumes,
              Item: item('VOL#2', 'META', { name: { S: 'alpha' } }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: volumes, Item: item('NAME#alpha', 'LOCK'), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect((await db.send(new GetItemCommand({ TableName: volumes, Key: item('VOL#2', 'META') }))).Item).toBeUndefined();
  });

  it('lets exactly one of many concurrent transactions claim a name', async () => {
    const attempts = Array.from({ length: 8 }, (_, i) =>
      db.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: volumes,
                Item: item('NAME#contested', 'LOCK', { owner: { S: String(i) } }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: volumes, Item: item(`VOL#c${i}`, 'META'), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    for (let i = 0; i < 8; i++) {
      const meta = await db.send(new GetItemCommand({ TableName: volumes, Key: item(`VOL#c${i}`, 'META') }));
      expect(Boolean(meta.Item)).toBe(i === winner);
    }
  });

  it('deletes items whose TTL has passed when the sweeper runs, and keeps the others', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    await db.send(new PutItemCommand({ TableName: audit, Item: item('VOL#1', 'old', { expiresAt: { N: String(nowSeconds - 10) } }) }));
    await db.send(new PutItemCommand({ TableName: audit, Item: item('VOL#1', 'new', { expiresAt: { N: String(nowSeconds + 3600) } }) }));
    expect(await stack.dynamo.sweepExpired()).toBe(1);
    expect((await db.send(new GetItemCommand({ TableName: audit, Key: item('VOL#1', 'old') }))).Item).toBeUndefined();
    expect((await db.send(new GetItemCommand({ TableName: audit, Key: item('VOL#1', 'new') }))).Item).toBeDefined();
  });
});

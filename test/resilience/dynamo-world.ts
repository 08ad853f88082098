/**
 * The real local stack, its HTTP API as a client calls it, and the tables read as the platform reads them
 * (the SDK, a session of the platform role, the local endpoint), for the DynamoDB fault tests.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { loadServerlessModel } from '../../local/serverless-model';
import { gatewayDynamo } from '../shared/adapters/helpers';
import { startTestStack, type TestStack } from '../support/local-stack';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export interface DynamoWorld {
  stack: TestStack;
  api(method: string, path: string, options?: { as?: string; body?: unknown; headers?: Record<string, string> }): Promise<Answer>;
  /** What the tables hold about a volume name: its claim, the volume, its members and its audit events. */
  stored(
    name: string,
  ): Promise<{ claim?: Record<string, any>; volume?: Record<string, any>; members: Record<string, any>[]; events: Record<string, any>[] }>;
  members(volumeId: string): Promise<Record<string, any>[]>;
  events(volumeId: string): Promise<Record<string, any>[]>;
  accessKeys(owner: string): Promise<Record<string, any>[]>;
  close(): Promise<void>;
}

export const ROLE_ARN = 'arn:aws:iam::111111111111:role/volume-access';
export const volumeBody = (name: string) => ({
  name,
  bucket: 'lab-genomes',
  region: 'us-east-1',
  accessMode: 'read-only',
  auth: { type: 'role', roleArn: ROLE_ARN },
});

export async function startDynamoWorld(): Promise<DynamoWorld> {
  const stack = await startTestStack();
  const model = loadServerlessModel('serverless.yml', { stage: 'local' });
  const table = (logicalId: string) => model.tables.find((t) => t.logicalId === logicalId)!.tableName;
  const tables = { volumes: table('VolumesTable'), audit: table('AuditTable'), accessKeys: table('AccessKeysTable') };
  const client = gatewayDynamo(stack);
  const db = DynamoDBDocumentClient.from(client);
  const tokens = new Map<string, string>();
  const tokenOf = (sub: string) => tokens.get(sub) ?? (tokens.set(sub, stack.token({ sub })), tokens.get(sub)!);

  const query = async (TableName: string, pk: string) =>
    (
      await db.send(
        new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
      )
    ).Items ?? [];
  const members = async (volumeId: string) => (await query(tables.volumes, `VOL#${volumeId}`)).filter((item) => item.type === 'member');
  const events = (volumeId: string) => query(tables.audit, `VOL#${volumeId}`);

  return {
    stack,
    async api(method, path, options = {}) {
      const response = await fetch(`${stack.info.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokenOf(options.as ?? 'alice')}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async stored(name) {
      const claim = (
        await db.send(new GetCommand({ TableName: tables.volumes, Key: { pk: `NAME#${name}`, sk: 'NAME' }, ConsistentRead: true }))
      ).Item;
      // The platform may not Scan: the candidates are the claim's volume and every volume alice is a member of.
      const memberships =
        (
          await db.send(
            new QueryCommand({
              TableName: tables.volumes,
              IndexName: 'bySubject',
              KeyConditionExpression: 'gsi1pk = :s',
              ExpressionAttributeValues: { ':s': 'SUBJECT#alice' },
            }),
          )
        ).Items ?? [];
      const ids = new Set<string>([...(claim ? [claim.volumeId as string] : []), ...memberships.map((m) => m.volumeId as string)]);
      const volumes = await Promise.all(
        [...ids].map(
          async (id) =>
            (await db.send(new GetCommand({ TableName: tables.volumes, Key: { pk: `VOL#${id}`, sk: 'META' }, ConsistentRead: true }))).Item,
        ),
      );
      const volume = volumes.find((v) => v?.name === name);
      return { claim, volume, members: volume ? await members(volume.id) : [], events: volume ? await events(volume.id) : [] };
    },
    members,
    events,
    async accessKeys(owner) {
      return (
        (
          await db.send(
            new QueryCommand({
              TableName: tables.accessKeys,
              IndexName: 'byOwner',
              KeyConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': owner },
            }),
          )
        ).Items ?? []
      );
    },
    close: () => stack.close(),
  };
}

/** Creates the tables serverless.yml declares (and their TTL), as CloudFormation would on deploy. */
import type { TableModel } from '../../serverless-model';
import { DynamoCallError } from './dynalite-client';
import type { DynamoService } from './service';

export async function ensureTables(dynamo: DynamoService, tables: TableModel[]): Promise<void> {
  for (const table of tables) {
    const p = table.properties as Record<string, any>;
    try {
      await dynamo.call('CreateTable', {
        TableName: table.tableName,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
        ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
        ...(p.LocalSecondaryIndexes ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
      });
    } catch (error) {
      if (!(error instanceof DynamoCallError && error.type === 'ResourceInUseException')) throw error;
    }
    const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
    if (ttl?.Enabled) {
      const described = (await dynamo.ttl.describe({ TableName: table.tableName })) as {
        TimeToLiveDescription: { TimeToLiveStatus: string };
      };
      if (described.TimeToLiveDescription.TimeToLiveStatus !== 'ENABLED') {
        await dynamo.ttl.update({ TableName: table.tableName, TimeToLiveSpecification: ttl });
      }
    }
  }
}

/**
 * Time to live, which dynalite lacks: UpdateTimeToLive/DescribeTimeToLive are answered here and
 * recorded in `<dataDir>/dynamodb-ttl.json`; a sweeper deletes items whose TTL attribute (epoch
 * seconds) has passed, as DynamoDB's background process does. Like DynamoDB, items more than five
 * years past are left alone, and an item changed since the scan is not deleted.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Dynalite, DynamoCallError } from './dynalite-client';
import { TransactionError } from './transactions';

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;

export class TimeToLive {
  private readonly file: string | undefined;
  private readonly settings: Record<string, string>;

  constructor(
    private readonly db: Dynalite,
    dataDir: string | undefined,
    private readonly now: () => Date,
  ) {
    this.file = dataDir ? join(dataDir, 'dynamodb-ttl.json') : undefined;
    this.settings = this.file && existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
  }

  async update(request: Record<string, any>): Promise<Record<string, unknown>> {
    const tableName = String(request.TableName);
    const spec = request.TimeToLiveSpecification ?? {};
    await this.db.call('DescribeTable', { TableName: tableName });
    if (typeof spec.AttributeName !== 'string' || typeof spec.Enabled !== 'boolean') {
      throw new TransactionError('ValidationException', 'TimeToLiveSpecification needs AttributeName and Enabled.');
    }
    const current = this.settings[tableName];
    if (spec.Enabled && current) throw new TransactionError('ValidationException', 'TimeToLive is already enabled');
    if (!spec.Enabled && !current) throw new TransactionError('ValidationException', 'TimeToLive is already disabled');
    if (spec.Enabled) this.settings[tableName] = spec.AttributeName;
    else delete this.settings[tableName];
    this.persist();
    return { TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: spec.Enabled } };
  }

  async describe(request: Record<string, any>): Promise<Record<string, unknown>> {
    const tableName = String(request.TableName);
    await this.db.call('DescribeTable', { TableName: tableName });
    const attribute = this.settings[tableName];
    return {
      TimeToLiveDescription: attribute ? { TimeToLiveStatus: 'ENABLED', AttributeName: attribute } : { TimeToLiveStatus: 'DISABLED' },
    };
  }

  /** Deletes every expired item now; returns how many. The stack calls it on a timer. */
  async sweep(): Promise<number> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    let deleted = 0;
    for (const [tableName, attribute] of Object.entries(this.settings)) {
      const keys = (await this.db.call('DescribeTable', { TableName: tableName })).Table.KeySchema.map(
        (k: { AttributeName: string }) => k.AttributeName,
      );
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.db.call('Scan', {
          TableName: tableName,
          FilterExpression: '#ttl < :now AND #ttl > :oldest',
          ExpressionAttributeNames: { '#ttl': attribute },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':oldest': { N: String(nowSeconds - FIVE_YEARS_SECONDS) } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        });
        for (const item of page.Items ?? []) {
          try {
            await this.db.call('DeleteItem', {
              TableName: tableName,
              Key: Object.fromEntries(keys.map((k: string) => [k, item[k]])),
              ConditionExpression: '#ttl = :seen',
              ExpressionAttributeNames: { '#ttl': attribute },
              ExpressionAttributeValues: { ':seen': item[attribute] },
            });
            deleted += 1;
          } catch (error) {
            if (!(error instanceof DynamoCallError && error.type === 'ConditionalCheckFailedException')) throw error;
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return deleted;
  }

  private persist(): void {
    if (!this.file) return;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.settings, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

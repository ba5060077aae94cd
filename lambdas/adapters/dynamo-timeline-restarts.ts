/**
 * Starting open invoices' timelines again after their policy changed: each open invoice in scope
 * gets a new `run`, and the table stream starts its new execution (domain/timeline/invoice-reactions.ts),
 * which plans from the stages already done. Invoices waiting for a working contact stay waiting.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RestartScope, TimelineRestarts } from '../app/ports/policies.js';
import { clock } from './clock.js';
import type { Table } from './dynamo/client.js';
import { mapLimit } from './dynamo/batch.js';
import { isConditionFailure } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item } from './dynamo/query.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';

const OPEN_REACHABLE = '#status = :open AND (attribute_not_exists(needsContact) OR needsContact = :f)';

export class DynamoTimelineRestarts implements TimelineRestarts {
  constructor(private readonly table: Table, private readonly concurrency = 8) {}

  private async inScope(tenantId: string, scope: RestartScope): Promise<Item[]> {
    const names = { '#status': 'status' };
    const values = { ':open': 'open', ':f': false };
    if ('customerId' in scope) {
      return queryAll(this.table, {
        IndexName: TABLE_SCHEMA.indexes.byCustomer.name,
        KeyConditionExpression: 'gsi2pk = :pk',
        FilterExpression: OPEN_REACHABLE,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':pk': keys.byCustomer(tenantId, scope.customerId, '', '').gsi2pk },
        ProjectionExpression: 'invoiceId',
      });
    }
    const byPolicy = 'policyId' in scope;
    const shards = await Promise.all(
      keys.openShardKeys(tenantId).map((pk) =>
        queryAll(this.table, {
          IndexName: TABLE_SCHEMA.indexes.openByDue.name,
          KeyConditionExpression: 'gsi1pk = :pk',
          FilterExpression: byPolicy ? `${OPEN_REACHABLE} AND #policy.id = :policy AND #policy.version < :v` : OPEN_REACHABLE,
          ExpressionAttributeNames: byPolicy ? { ...names, '#policy': 'policy' } : names,
          ExpressionAttributeValues: byPolicy ? { ...values, ':pk': pk, ':policy': scope.policyId, ':v': scope.belowVersion } : { ...values, ':pk': pk },
          ProjectionExpression: 'invoiceId',
        }),
      ),
    );
    return shards.flat();
  }

  async restartOpen(tenantId: string, scope: RestartScope): Promise<number> {
    const found = await this.inScope(tenantId, scope);
    const now = clock.now().toISOString();
    const restarted = await mapLimit(found, this.concurrency, async (i) => {
      try {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.invoice(tenantId, String(i.invoiceId)),
            UpdateExpression: 'SET #run = #run + :one, updatedAt = :now',
            ConditionExpression: OPEN_REACHABLE,
            ExpressionAttributeNames: { '#run': 'run', '#status': 'status' },
            ExpressionAttributeValues: { ':one': 1, ':now': now, ':open': 'open', ':f': false },
          }),
        );
        return 1;
      } catch (err) {
        if (isConditionFailure(err)) return 0; // paid, paused or disputed since it was read
        throw err;
      }
    });
    return restarted.reduce<number>((a, b) => a + b, 0);
  }
}

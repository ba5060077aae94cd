import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './client.js';
import { backoff } from './batch.js';
import { cancellationCodes } from './errors.js';
import type { TransactItem } from './transaction-part.js';

/** TransactWriteItems, with a few quick retries on TransactionConflict (another writer on the same item right now). */
export const transactWithRetry = async (table: Table, items: TransactItem[]): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await table.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      const codes = cancellationCodes(err);
      const conflict = codes?.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
      if (!conflict || attempt >= 5) throw err;
      await backoff(attempt);
    }
  }
};

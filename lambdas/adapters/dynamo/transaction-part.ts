/** The DynamoDB side of the ports' opaque TransactionPart: one TransactWriteItems entry. */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TransactionPart } from '../../app/ports/transaction.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

class DynamoTransactionPart implements TransactionPart {
  readonly kind = 'transaction-part';
  constructor(readonly item: TransactItem) {}
}

export const transactionPart = (item: TransactItem): TransactionPart => new DynamoTransactionPart(item);

/** The entry a repository of this table made; anything else cannot join a DynamoDB transaction. */
export const transactItemOf = (part: TransactionPart): TransactItem => {
  if (!(part instanceof DynamoTransactionPart)) throw new TypeError('not a write of the DynamoDB adapters');
  return part.item;
};

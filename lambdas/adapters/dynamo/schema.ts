/**
 * Single-table design (docs/data-model.md explains every access pattern).
 * The CDK construct and the local stack both build the table from TABLE_SCHEMA.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /**
     * Sparse: only invoices that can still be chased carry gsi1 keys (open invoices by due date),
     * bank credits (by status, by booking date: keys.creditByStatus), and customers by name
     * (keys.customerByName).
     */
    openByDue: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Invoices of one customer, by due date. */
    byCustomer: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

/** Open invoices are spread over a few partitions so 100k of them never share one hot key. */
export const OPEN_SHARDS = 4;

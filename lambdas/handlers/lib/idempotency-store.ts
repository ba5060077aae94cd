/**
 * Powertools idempotency records, in the single table (pk/sk, expiring through `ttl`). Apart from
 * deps.ts so that only the handlers that keep idempotency records (admin-api, ingest,
 * ageing-report) bundle the library: its JMESPath engine registers itself at import, which
 * esbuild cannot leave out of the others (22 KB of each).
 */
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { table } from './deps.js';

/**
 * One layer per handler: a layer keeps the configuration of the first handler that uses it, and
 * the local stack runs every handler in one process.
 */
export const idempotencyStore = (): BasePersistenceLayer =>
  new DynamoDBPersistenceLayer({ tableName: table().name, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' });

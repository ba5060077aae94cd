/**
 * `npm run marks:rebuild -- --tenant <id>`: writes the marks a reminder reads instead of the
 * tasks, credits and wording themselves (lambdas/adapters/dynamo/marks.ts) for a company whose data
 * is older than them, on the table named by TABLE_NAME (AWS_ENDPOINT_URL_DYNAMODB for DynamoDB
 * Local). It only adds, so it is safe while the product runs; prints what it added.
 */
import { parseArgs } from 'node:util';
import { tableFromEnv } from '../lambdas/adapters/dynamo/client.js';
import { rebuildMarks } from '../lambdas/adapters/dynamo/marks-rebuild.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
if (!values.tenant) {
  process.stderr.write('usage: npm run marks:rebuild -- --tenant <tenantId>\n');
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(await rebuildMarks(tableFromEnv(), values.tenant))}\n`);

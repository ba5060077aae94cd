/**
 * `npm run ageing:rebuild -- --tenant <id>`: rebuilds the tenant's ageing histogram from its
 * invoices (app/reports/rebuild-ageing-days.ts), on the table named by TABLE_NAME (the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local). Safe while the stream keeps writing; prints what
 * it replaced, and exits 2 when some days were still being written in every round (run it again).
 */
import { parseArgs } from 'node:util';
import { DynamoAgeingDays } from '../lambdas/adapters/dynamo-ageing-days.js';
import { tableFromEnv } from '../lambdas/adapters/dynamo/client.js';
import { rebuildAgeingDays } from '../lambdas/app/reports/rebuild-ageing-days.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
if (!values.tenant) {
  process.stderr.write('usage: npm run ageing:rebuild -- --tenant <tenantId>\n');
  process.exit(1);
}
const quiet = () => undefined;
const result = await rebuildAgeingDays(
  { ageingDays: new DynamoAgeingDays(tableFromEnv()), logger: { debug: quiet, info: quiet, warn: quiet, error: quiet }, count: quiet },
  { tenantId: values.tenant },
);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.daysUnsettled > 0 ? 2 : 0);

/**
 * `npm run ageing:rebuild -- --tenant <id> [--sales-since YYYY-MM-DD]`: rebuilds the tenant's
 * ageing histogram from its invoices (app/reports/rebuild-ageing-days.ts), then its credit sales by
 * issue day from the activity feed's issued items (app/reports/rebuild-sales-days.ts: the DSO period
 * and the days ahead, from `--sales-since` when given), on the table named by TABLE_NAME (the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local). Safe while the stream keeps writing; prints what
 * it replaced, and exits 2 when some days were still being written in every round (run it again).
 */
import { parseArgs } from 'node:util';
import { DynamoAgeingDays } from '../lambdas/adapters/dynamo-ageing-days.js';
import { DynamoSalesDays } from '../lambdas/adapters/dynamo-sales-days.js';
import { tableFromEnv } from '../lambdas/adapters/dynamo/client.js';
import { rebuildAgeingDays } from '../lambdas/app/reports/rebuild-ageing-days.js';
import { rebuildSalesDays, salesRebuildRange } from '../lambdas/app/reports/rebuild-sales-days.js';
import { isoDay } from '../lambdas/domain/shared/days.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' }, 'sales-since': { type: 'string' } } });
if (!values.tenant) {
  process.stderr.write('usage: npm run ageing:rebuild -- --tenant <tenantId> [--sales-since YYYY-MM-DD]\n');
  process.exit(1);
}
const since = values['sales-since'];
if (since !== undefined) isoDay(since, '--sales-since');
const quiet = () => undefined;
const observability = { logger: { debug: quiet, info: quiet, warn: quiet, error: quiet }, count: quiet };
const table = tableFromEnv();
const ageing = await rebuildAgeingDays({ ageingDays: new DynamoAgeingDays(table), ...observability }, { tenantId: values.tenant });
// A UTC day: the default range has a day to spare on either side of any time zone's today.
const range = salesRebuildRange(new Date().toISOString().slice(0, 10), since);
const sales = await rebuildSalesDays({ salesDays: new DynamoSalesDays(table), ...observability }, { tenantId: values.tenant, ...range });
process.stdout.write(`${JSON.stringify({ ...ageing, sales })}\n`);
process.exit(ageing.daysUnsettled > 0 || sales.daysUnsettled > 0 ? 2 : 0);

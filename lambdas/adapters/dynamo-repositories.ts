/**
 * Every DynamoDB repository over one table, for the local stack, the benchmarks and the tests.
 * The Lambdas do not use this: each handler reaches only the ports it needs through
 * handlers/lib/deps.ts (and its bundle keeps only those adapters).
 */
import { tableFromEnv, type Table } from './dynamo/client.js';
import { DynamoBankCredits } from './dynamo-bank-credits.js';
import { DynamoCallQueue } from './dynamo-call-queue.js';
import { DynamoCustomers } from './dynamo-customers.js';
import { DynamoSendGuard } from './dynamo-guard.js';
import { DynamoInvoices } from './dynamo-invoices.js';
import { DynamoReports } from './dynamo-reports.js';
import { DynamoPortfolio } from './dynamo-portfolio.js';
import { DynamoStatementFeed } from './dynamo-statement-feed.js';
import { DynamoTasks } from './dynamo-tasks.js';
import { DynamoTenants } from './dynamo-tenants.js';
import { DynamoPolicies } from './dynamo-policies.js';
import { DynamoTimelineRestarts } from './dynamo-timeline-restarts.js';
import { DynamoCustomerVoice } from './dynamo-voice.js';
import { DynamoNoticeDigests } from './dynamo-notice-digests.js';
import { DynamoWording } from './dynamo-wording.js';
import { DynamoAgeingDays } from './dynamo-ageing-days.js';

export const dynamoRepositories = (table: Table = tableFromEnv()) => ({
  doc: table.doc,
  name: table.name,
  tenants: new DynamoTenants(table),
  ageingDays: new DynamoAgeingDays(table),
  policies: new DynamoPolicies(table),
  restarts: new DynamoTimelineRestarts(table),
  customers: new DynamoCustomers(table),
  invoices: new DynamoInvoices(table),
  callQueue: new DynamoCallQueue(table),
  tasks: new DynamoTasks(table),
  sendGuard: new DynamoSendGuard(table),
  reports: new DynamoReports(table),
  portfolio: new DynamoPortfolio(table),
  bankCredits: new DynamoBankCredits(table),
  statementFeed: new DynamoStatementFeed(table),
  voice: new DynamoCustomerVoice(table),
  digests: new DynamoNoticeDigests(table),
  wording: new DynamoWording(table),
});

export type DynamoRepositories = ReturnType<typeof dynamoRepositories>;

/**
 * `npm run what-if -- --policy A --policy B [--portfolio file.json] [--tenant id] [--out dir]`:
 * two playbooks replayed over a portfolio (docs/what-if.md), written as result.json and
 * what-if.html in `--out` (default what-if-out/).
 *
 * A policy is a preset id (relationship, standard, firm), a company policy's id, or a path to a
 * JSON file holding a company policy (as POST /v1/policies takes it). Where the portfolio comes from:
 * - `--portfolio file.json` (scripts/what-if-file.ts): read and replayed here, nothing else needed;
 * - `--api URL --token T`: the running local stack (or a deployed stage), through POST
 *   /v1/simulations: `npm start` prints both (Admin API, Token);
 * - otherwise the table named by TABLE_NAME (the SDK's AWS_ENDPOINT_URL_DYNAMODB for DynamoDB
 *   Local) and `--tenant`: the use case over the production adapters.
 * Options: --from/--to (a past period), --contact-limit N, --sms-price minor units, --sms-currency,
 * --now ISO instant (the file's `now`, else the present: the local stack's virtual clock is not seen here).
 * SES_MAX_SEND_RATE and SEND_SPREAD_VOLUME, when set, are the send spread the replay plans with (as deployed).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSimulation, type PolicyPick, type SimulationDeps, type SimulationRequest } from '../lambdas/app/simulations/run-simulation.js';
import type { Tenant } from '../lambdas/domain/model.js';
import type { WhatIfResult } from '../lambdas/domain/simulation/compare.js';
import { whatIfPage } from '../lambdas/domain/simulation/what-if-page.js';
import { portfolioDeps, readPortfolio } from './what-if-file.js';
import { sendSpreadFromEnv } from '../lambdas/adapters/send-spread-config.js';

const { values } = parseArgs({
  options: {
    policy: { type: 'string', multiple: true },
    portfolio: { type: 'string' },
    tenant: { type: 'string' },
    out: { type: 'string', default: 'what-if-out' },
    from: { type: 'string' },
    to: { type: 'string' },
    'contact-limit': { type: 'string' },
    'sms-price': { type: 'string' },
    'sms-currency': { type: 'string', default: 'EUR' },
    api: { type: 'string' },
    now: { type: 'string' },
    token: { type: 'string' },
  },
});

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

const json = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return fail(`${path}: ${(err as Error).message}`);
  }
};

const pickOf = (arg: string): PolicyPick => (arg.endsWith('.json') ? { policy: json(arg) } : { id: arg });

const policies = values.policy ?? [];
if (policies.length !== 2) fail('usage: npm run what-if -- --policy A --policy B [--portfolio file.json | --api URL --token T | --tenant id] [--from D --to D] [--out dir]');
if ((values.from === undefined) !== (values.to === undefined)) fail('--from and --to go together (a past period)');
const whole = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fail(`--${name} takes a whole number (got ${v})`);
};
const contactLimit = whole('contact-limit', values['contact-limit']);
const smsMinor = whole('sms-price', values['sms-price']);
const request: SimulationRequest = {
  policies: [pickOf(policies[0]!), pickOf(policies[1]!)],
  ...(values.from && values.to ? { period: { from: values.from, to: values.to } } : {}),
  ...(contactLimit !== undefined ? { contactLimit } : {}),
  ...(smsMinor !== undefined ? { smsPrice: { minor: smsMinor, currency: values['sms-currency'] } } : {}),
};

const nowArg = values.now === undefined ? undefined : new Date(values.now);
if (nowArg && Number.isNaN(nowArg.getTime())) fail(`--now takes an ISO instant (got ${values.now})`);

const refused = (problems: readonly { path: string; message: string }[]): never => fail(`refused:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);

/** The use case here, over `deps` and the environment's send spread (as deployed): the result and its page. */
const runHere = async (deps: SimulationDeps, tenant: Tenant, now: Date): Promise<{ result: WhatIfResult & { warnings: string[] }; html: string }> => {
  const sendSpread = sendSpreadFromEnv();
  const out = await runSimulation({ ...deps, ...(sendSpread ? { sendSpread } : {}) }, tenant, request, now);
  if (out.kind === 'refused') return refused(out.problems);
  return { result: { ...out.result, warnings: out.warnings }, html: whatIfPage(out.result, tenant.name, tenant.language) };
};

const viaApi = async (api: string, token: string): Promise<{ result: unknown; html: string }> => {
  const post = (format: 'json' | 'html') =>
    fetch(`${api.replace(/\/$/, '')}/v1/simulations?format=${format}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(request) });
  const res = await post('json');
  const body = (await res.json()) as { errors?: { field: string; message: string }[]; message?: string };
  if (res.status === 422 && body.errors) refused(body.errors.map((e) => ({ path: e.field, message: e.message })));
  if (!res.ok) fail(`${api} answered ${res.status}: ${JSON.stringify(body)}`);
  return { result: body, html: await (await post('html')).text() };
};

const viaTable = async (tenantId: string) => {
  // Imported only here: the file and API paths need no AWS SDK client.
  const { dynamoRepositories } = await import('../lambdas/adapters/dynamo-repositories.js');
  const store = dynamoRepositories();
  const tenant = await store.tenants.getTenant(tenantId);
  if (!tenant) return fail(`tenant ${tenantId} is not in table ${store.name}`);
  return runHere({ portfolio: store.portfolio, reports: store.reports, policies: store.policies }, tenant, nowArg ?? new Date());
};

const run = async (): Promise<{ result: unknown; html: string }> => {
  if (values.portfolio) {
    const read = readPortfolio(json(values.portfolio));
    if (!read.ok) return fail(`${values.portfolio}:\n${read.problems.map((p) => `  ${p}`).join('\n')}`);
    if (values.tenant && values.tenant !== read.portfolio.tenant.tenantId) fail(`${values.portfolio} holds tenant ${read.portfolio.tenant.tenantId}, not ${values.tenant}`);
    return runHere(portfolioDeps(read.portfolio), read.portfolio.tenant, nowArg ?? read.now ?? new Date());
  }
  if (values.api) return viaApi(values.api, values.token ?? fail('--api needs --token (npm start prints it)'));
  if (process.env.TABLE_NAME) return viaTable(values.tenant ?? fail('reading the table needs --tenant'));
  return fail('no portfolio: pass --portfolio file.json, or --api URL --token T (the running local stack), or set TABLE_NAME (and AWS_ENDPOINT_URL_DYNAMODB) with --tenant');
};

const { result, html } = await run();
const outDir = resolve(values.out);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'what-if.html'), html);
process.stdout.write(`wrote ${join(outDir, 'result.json')} and ${join(outDir, 'what-if.html')}\n`);

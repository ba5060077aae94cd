/**
 * statemachines/dunning.asl.json run by aws-local-stepfunctions with every Task served by the real
 * handler module, against DynamoDB Local, SES v2 local, the SMS sink and the EventBridge sink.
 * Wait states take no real time: the Task wrapper moves the test clock to the instant the Wait
 * stood for, as Step Functions would have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import { join } from 'node:path';
import { useLocalTable } from '../support/dynamo.js';
import { substitutedDunningDefinition } from '../support/dunning-definition.js';
import { locallyCounted } from '../../local/services/retry-count.js';
import { DUNNING_TASKS, dunningTaskOf } from '../../statemachines/dunning.tasks.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startSmsSink, type RunningSmsSink } from '../../local/services/sms-sink.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../../local/services/ports.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { localContext } from '../../local/lambda-context.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, Tenant, type ContactEvent, type PolicyId } from '../../lambdas/domain/model.js';
import { STAGE_ACTION, STAGE_IDS, WRITTEN_STAGES, stageIndex, type Stage } from '../../lambdas/domain/timeline/stages.js';
import { IGNORED_EMAILS_BEFORE_SMS, canText } from '../../lambdas/domain/timeline/engagement.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { localDay } from '../../lambdas/domain/shared/days.js';

polyfillWithResolvers();
await useLocalTable();

const definition = substitutedDunningDefinition();
const T = 'walk-co';

let now = new Date('2026-01-15T10:00:00Z');
useClock({ now: () => now });

let ses: RunningSes;
let sms: RunningSmsSink;
let s3: RunningS3;
let events: Awaited<ReturnType<typeof startEventsSink>>;
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
// The deployed wiring, as the local stack loads it: each entry's handler module, found through the
// task map. Importing them needs no environment; each builds its adapters on its first Task, once
// beforeAll has pointed the SDK at the local services.
const handlers: Record<string, Handler> = Object.fromEntries(
  await Promise.all(DUNNING_TASKS.map(async ({ handler }) => [handler, ((await import(`../../lambdas/handlers/${handler}.ts`)) as { handler: Handler }).handler] as const)),
);
let store: DynamoRepositories;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'amministrazione@officinerossi.example',
  phone: '+390212345678',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'it',
  financeInboxes: ['finance@officinerossi.example'],
  agency: { name: 'Recupero Crediti Nord', email: 'pratiche@recupero.example' },
});

const customerFor = (policy: PolicyId, n: number) =>
  Customer.parse({
    tenantId: T,
    customerId: `C-${policy.toUpperCase()}`,
    name: `Cliente ${policy} S.p.A.`,
    country: 'IT',
    language: 'it',
    timeZone: 'Europe/Rome',
    email: `ap-${policy}@cliente.example`,
    phone: `+39347000000${n}`,
    billingContact: { name: 'Giulia Neri', email: `giulia.${policy}@cliente.example`, phone: `+39348000000${n}` },
    policy,
    salesNotes: ['Buyer since 2019: pays eventually, prefers a call before any letter.'],
  });

const invoiceFor = (customer: Customer, id: string) =>
  Invoice.parse({
    tenantId: T,
    invoiceId: id,
    number: `2026/${id}`,
    customerId: customer.customerId,
    issueDate: '2026-01-15',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 245_000,
    status: 'open',
    paymentReference: `RF-${id}`,
    createdAt: '2026-01-15T09:00:00Z',
    updatedAt: '2026-01-15T09:00:00Z',
  });

const handlerOf = (state: string): string => {
  const task = dunningTaskOf(state);
  if (!task) throw new Error(`${state} is not in statemachines/dunning.tasks.ts`);
  return task.handler;
};

beforeAll(async () => {
  [ses, sms, events, s3] = await Promise.all([
    startSes(),
    startSmsSink({ clock: { now: () => now } }),
    freePort().then((p) => startEventsSink(p, { now: () => now })),
    // The escalation assembles the agency's dossier in the documents bucket.
    startS3({ directory: mkdtempSync(join(tmpdir(), 'sollecito-walk-')), bucket: 'walk-documents', onObjectCreated: () => undefined }),
  ]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: S3_LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_LOCAL_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'walk',
    SMS_ORIGINATION_IDENTITY: '+390200000000',
    EVENT_BUS_NAME: 'walk-bus',
    BUCKET_NAME: 'walk-documents',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:walk',
  });
  store = dynamoRepositories();
  await store.tenants.putTenant(tenant);
});

afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop(), s3?.stop()]);
});

type Json = Parameters<StateMachine['run']>[0];

/** Runs one execution; `before` runs ahead of a Task's handler (after the clock moved to its Wait's instant). */
const walk = async (inv: Invoice, before: Record<string, () => Promise<void>> = {}) => {
  // $$.State.RetryCount, which the engine leaves out, counted per execution (local/services/retry-count.ts).
  const { definition: counted, retries } = locallyCounted(definition);
  const local: Record<string, (input: Json) => Promise<Json>> = {};
  for (const [state, s] of Object.entries(counted.States)) {
    if (s.Type !== 'Task') continue;
    local[state] = (input) =>
      retries.attempt(state, async () => {
        const i = input as { stage?: Stage; plan?: { at: Record<Stage, string>; checkAt?: string } };
        const waitedUntil = i.stage ? i.plan?.at[i.stage] : state === 'CheckPromise' ? i.plan?.checkAt : undefined;
        if (waitedUntil && Date.parse(waitedUntil) > now.getTime()) now = new Date(waitedUntil);
        await before[state]?.();
        return (await handlers[handlerOf(state)]!(input, localContext(handlerOf(state)))) as Json;
      });
  }
  const waits = Object.keys(counted.States).filter((s) => counted.States[s]!.Type === 'Wait');
  const machine = new StateMachine(counted, { validationOptions: { checkArn: false } });
  const execution = machine.run(
    { tenantId: inv.tenantId, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run },
    {
      overrides: {
        taskResourceLocalHandlers: local,
        waitTimeOverrides: Object.fromEntries(waits.map((w) => [w, 0])),
        retryIntervalOverrides: Object.fromEntries(Object.keys(local).map((t) => [t, 0])),
      },
      context: retries.context(),
    },
  );
  const entered: string[] = [];
  const logs = (async () => {
    for await (const ev of execution.eventLogs) if (ev.type === 'StateEntered') entered.push(ev.state.name);
  })();
  const output = await execution.result;
  await logs;
  return { entered, output: output as Record<string, unknown> };
};

const contacts = async (inv: Invoice): Promise<ContactEvent[]> =>
  ((await store.invoices.getInvoiceView(T, inv.invoiceId))?.events ?? [])
    .filter((e) => ['message', 'call_task', 'credit_hold', 'escalation'].includes(e.type) && e.outcome !== 'skipped')
    .sort((a, b) => a.at.localeCompare(b.at));

const SENDS_MESSAGE = (stage: Stage, escalation: 'send' | 'prepare') =>
  STAGE_ACTION[stage] === 'email' || STAGE_ACTION[stage] === 'creditHold' || (STAGE_ACTION[stage] === 'escalation' && escalation === 'send');

describe.each([
  ['relationship', 1],
  ['standard', 2],
  ['firm', 3],
] as const)('the %s policy, never paid', (policyId, n) => {
  const customer = customerFor(policyId, n);
  const inv = invoiceFor(customer, `WALK-${policyId}`);
  const policy = policyFor(customer, tenant);
  const enabled = STAGE_IDS.filter((s) => policy.stages[s]?.enabled);
  // This customer never opens a link. Where it cannot be texted, two ignored e-mails bring the call
  // forward and the overdue written reminders before it are left out (domain/planner.ts).
  const written = enabled.filter((s) => (WRITTEN_STAGES as readonly string[]).includes(s));
  const leftOut =
    policy.stages.phoneCall?.enabled && !canText(policy, customer)
      ? written.filter((s, i) => i >= IGNORED_EMAILS_BEFORE_SMS && stageIndex(s) > stageIndex('dueDate'))
      : [];
  const walked = enabled.filter((s) => !leftOut.includes(s));
  let result: Awaited<ReturnType<typeof walk>>;
  let log: ContactEvent[];

  beforeAll(async () => {
    now = new Date('2026-01-15T10:00:00Z');
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    result = await walk(inv);
    log = await contacts(inv);
  }, 60_000);

  it('walks every enabled stage in timeline order (the call brought forward where nobody can be texted) and ends Escalated, in at most 22 states entered (Begin, the mailbox check, included)', () => {
    expect(result.entered.at(-1)).toBe('Escalated');
    // 20 before extra reminders; each of the two places an extra may stand (BeforePhoneCall, BeforeEscalation) is one Choice every execution passes.
    expect(result.entered.length).toBeLessThanOrEqual(22);
    const order = log.map((e) => e.stage).filter((s, i, all) => all.indexOf(s) === i);
    expect(order).toEqual(walked);
    if (policyId === 'relationship') expect(leftOut).toEqual(['firstOverdue', 'secondOverdue']);
  });

  it('writes one log entry per contact, matching what reached the inbox and the SMS sink', () => {
    const keysSeen = log.filter((e) => e.type === 'message').map((e) => `${e.stage}:${e.channel}`);
    expect(new Set(keysSeen).size).toBe(keysSeen.length);
    const emails = log.filter((e) => e.type === 'message' && e.channel === 'email');
    const inbox = ses.messages().filter((m) => m.destination.to.includes(customer.email!));
    expect(inbox.map((m) => m.messageId).sort()).toEqual(emails.map((e) => e.messageId).sort());
    const texts = sms.messages().filter((m) => m.to === customer.phone);
    expect(texts.map((m) => m.messageId).sort()).toEqual(log.filter((e) => e.channel === 'sms').map((e) => e.messageId).sort());
    for (const e of [...emails, ...log.filter((x) => x.channel === 'sms')]) expect(e.outcome).toBe('sent');
  });

  it('uses the channels of the policy', () => {
    const smsStages = log.filter((e) => e.type === 'message' && e.channel === 'sms').map((e) => e.stage);
    // The policy's SMS stages, plus (the customer never opens a link here) every written stage after
    // two ignored e-mails, when the policy texts at all (domain/engagement.ts).
    const unheard = policy.smsPerWeek > 0 ? written.slice(IGNORED_EMAILS_BEFORE_SMS) : [];
    expect(smsStages).toEqual(walked.filter((s) => (policy.stages[s]?.sms || unheard.includes(s)) && SENDS_MESSAGE(s, policy.escalation)));
    const emailStages = log.filter((e) => e.type === 'message' && e.channel === 'email').map((e) => e.stage);
    expect(emailStages).toEqual(walked.filter((s) => SENDS_MESSAGE(s, policy.escalation)));
    if (policyId === 'relationship') expect(smsStages).toEqual([]);
    if (policyId === 'firm') {
      expect(smsStages).toContain('dueDate');
      expect(smsStages).not.toContain('preDue');
    }
  });

  it('queues the phone call for the finance team with the number, hours and talking points', async () => {
    const call = log.find((e) => e.type === 'call_task')!;
    const day = localDay(new Date(call.at), tenant.timeZone);
    const item = (await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.callTask(T, day, customer.customerId, inv.invoiceId) }))).Item;
    expect(item).toMatchObject({
      phone: customer.billingContact!.phone,
      officeHours: customer.officeHours,
      amountDue: inv.amount,
      currency: 'EUR',
    });
    expect((item!.talkingPoints as string[]).length).toBeGreaterThan(0);
    // The sales notes stay items of the customer's: the call task refers to the customer, it does not copy them.
    expect(item).not.toHaveProperty('salesNotes');
    expect(JSON.stringify(item)).not.toContain(customer.salesNotes[0]);
  });

  it('puts the customer on credit hold and tells sales through EventBridge', async () => {
    const c = await store.customers.getCustomer(T, customer.customerId);
    expect(c?.creditHold).toMatchObject({ invoiceId: inv.invoiceId });
    const published = events.events.filter((e) => e.detail.invoiceId === inv.invoiceId);
    expect(published.map((e) => e.detailType)).toEqual(['CreditHoldPlaced', 'InvoiceEscalated']);
    expect(published.every((e) => e.source === 'sollecito')).toBe(true);
    // ids and amounts only
    expect(JSON.stringify(published)).not.toContain(customer.email!);
    expect(JSON.stringify(published)).not.toContain(customer.name);
  });

  it('leaves the invoice escalated and out of the open index', async () => {
    const item = (await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.invoice(T, inv.invoiceId) }))).Item!;
    expect(item.status).toBe('escalated');
    expect(item.gsi1pk).toBeUndefined();
    expect(item.sendingUntil).toBeUndefined();
  });
});

describe('a payment recorded in the middle of the walk', () => {
  it('ends the execution Closed and sends nothing more', async () => {
    now = new Date('2026-01-15T10:00:00Z');
    const customer = customerFor('standard', 4);
    const inv = invoiceFor(customer, 'WALK-PAID');
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    let inboxAtPayment = -1;
    const { entered } = await walk(inv, {
      SendFirstOverdue: async () => {
        inboxAtPayment = ses.messages().length;
        await store.doc.send(
          new UpdateCommand({
            TableName: store.name,
            Key: keys.invoice(T, inv.invoiceId),
            UpdateExpression: 'SET #s = :paid, amountPaid = amount',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid' },
          }),
        );
      },
    });
    expect(entered.at(-1)).toBe('Closed');
    expect(entered).not.toContain('WaitSecondOverdue');
    expect(entered).not.toContain('RecordFailure');
    expect(ses.messages().length).toBe(inboxAtPayment);
    const log = await contacts(inv);
    expect(log.map((e) => e.stage)).not.toContain('firstOverdue');
    expect(log.every((e) => STAGE_IDS.indexOf(e.stage as Stage) < STAGE_IDS.indexOf('firstOverdue'))).toBe(true);
  }, 60_000);
});

/**
 * The short-circuit: once the admin API has answered 2xx to a payment (promise, dispute, pause…),
 * no reminder for that invoice leaves, not even one whose send is already in flight. The commands
 * (adapters/dynamo-commands.ts) race the real send guard (adapters/dynamo-guard.ts) on DynamoDB
 * Local; timelines run on the local Step Functions emulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { Logger } from '@aws-lambda-powertools/logger';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf, supplier } from '../support/fixtures.js';
import { callApi, financeUser, type ApiRequest } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { clock, useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { DynamoQueries } from '../../lambdas/adapters/dynamo-queries.js';
import { leaseAllows, type ClaimRequest } from '../../lambdas/app/ports/send-guard.js';
import { InvoiceClosedError } from '../../lambdas/adapters/workflow-errors.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { createAdminApi } from '../../lambdas/api/app.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { promiseKept } from '../../lambdas/domain/commands/commands.js';
import { Customer, Invoice, type InvoiceInput, type InvoiceStatus } from '../../lambdas/domain/model.js';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { sleep, untilSettled } from '../support/until.js';

polyfillWithResolvers();
await useLocalTable();

const T = 'race-co';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:timeline-test';
const store = dynamoRepositories();

// ---------------------------------------------------------------------------------------------
// A stand-in timeline with the shape of statemachines/dunning.asl.json: Wait, send, Wait, send…
// Each send goes through the real guard with the execution's revision and run.

const STAGES = ['dueDate', 'firstOverdue', 'secondOverdue'] as const;
const definition = {
  StartAt: 'WaitDueDate',
  States: Object.fromEntries(
    STAGES.flatMap((stage, i) => {
      const Name = stage[0]!.toUpperCase() + stage.slice(1);
      const next = STAGES[i + 1];
      return [
        [`Wait${Name}`, { Type: 'Wait', TimestampPath: `$.at.${stage}`, Next: `Send${Name}` }],
        [
          `Send${Name}`,
          {
            Type: 'Task',
            Resource: '${SendFunctionArn}',
            Parameters: { stage, 'tenantId.$': '$.tenantId', 'invoiceId.$': '$.invoiceId', 'revision.$': '$.revision', 'run.$': '$.run' },
            ResultPath: `$.result.${stage}`,
            ...(next ? { Next: `Wait${next[0]!.toUpperCase()}${next.slice(1)}` } : { End: true }),
          },
        ],
      ];
    }),
  ),
} as unknown as StateMachineDefinition;

interface SendLog {
  invoiceId: string;
  stage: string;
  outcome: 'sent' | 'refused';
  run: number;
}
const sendLog: SendLog[] = [];

const message = (inv: Pick<Invoice, 'invoiceId'>, stage: string) =>
  contactEvent({
    tenantId: T,
    invoiceId: inv.invoiceId,
    at: clock.now().toISOString(),
    type: 'message',
    channel: 'email',
    actor: 'system',
    stage: stage as 'dueDate',
    to: 'ap@customer.example',
    outcome: 'pending',
  });

const claimFor = (inv: Pick<Invoice, 'invoiceId'>, stage: string, exec: { revision: number; run: number }, over: Partial<ClaimRequest> = {}): ClaimRequest => ({
  tenantId: T,
  invoiceId: inv.invoiceId,
  ...exec,
  requiredStatus: 'open',
  guardKey: stage,
  events: [message(inv, stage)],
  ...over,
});

/** The send task's protocol: claim, send only when claimed and the lease still covers the call, complete. */
const guardedSend = async (input: { invoiceId: string; stage: string; revision: number; run: number }, sendMs = 0, onLeave?: () => void) => {
  try {
    const claim = await store.sendGuard.claimSend(claimFor(input, input.stage, input, { maxLeaseWaitMs: 10_000 }));
    if (claim.outcome !== 'claimed') return 'alreadyDone';
    if (!leaseAllows(claim.lease, sendMs + 50)) {
      await store.sendGuard.releaseSend(claim.lease, 'lease too short');
      return 'released';
    }
    onLeave?.();
    sendLog.push({ invoiceId: input.invoiceId, stage: input.stage, outcome: 'sent', run: input.run });
    // A deliberately slow provider call: the window a payment races into.
    if (sendMs) await sleep(sendMs);
    await store.sendGuard.completeSend(claim.lease, claim.lease.events.map((e) => ({ eventId: e.eventId, outcome: 'sent' as const, messageId: `msg-${e.eventId}` })));
    return 'sent';
  } catch (err) {
    if (!(err instanceof InvoiceClosedError)) throw err;
    sendLog.push({ invoiceId: input.invoiceId, stage: input.stage, outcome: 'refused', run: input.run });
    return 'refused';
  }
};

const vclock = new VirtualClock({ start: new Date('2026-03-02T08:00:00Z'), mode: 'discrete' });
const emulator = new SfnEmulator({
  definition,
  stateMachineArn: STATE_MACHINE_ARN,
  clock: vclock,
  activity: new Activity(),
  resolveTask: () => async (input) => ({ outcome: await guardedSend(input as never) }),
});
const sfnEndpoint = await emulator.listen(await freePort());
const eventsSink = await startEventsSink(await freePort(), vclock);
Object.assign(process.env, {
  STATE_MACHINE_ARN,
  AWS_ENDPOINT_URL_SFN: sfnEndpoint,
  EVENT_BUS_NAME: 'sollecito-test',
  AWS_ENDPOINT_URL_EVENTBRIDGE: eventsSink.endpoint,
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const handler = adminApiHandler(T);
const api = <R = any>(req: ApiRequest) => callApi<R>(handler, req);

const settle = () => untilSettled(emulator);

afterAll(async () => {
  await emulator.shutdown();
  await eventsSink.stop();
});

// ---------------------------------------------------------------------------------------------
// fixtures

beforeAll(async () => {
  await store.tenants.putTenant(
    supplier(T),
  );
  await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Verdi Srl', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@verdi.example' }));
});

let seq = 0;
const newInvoice = async (over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = invoiceOf({ tenantId: T, invoiceId: `R-${++seq}`, number: `2026/${seq}`, ...over });
  await store.invoices.putInvoice(inv);
  return inv;
};

const current = async (inv: Invoice) => (await store.invoices.getInvoice(T, inv.invoiceId))!;
const post = (inv: Invoice, action: string, body: unknown, extra: Partial<ApiRequest> = {}) =>
  api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/${action}`, body, ...extra });

// ---------------------------------------------------------------------------------------------

describe('a payment racing a reminder in flight (system clock, real leases)', () => {
  afterEach(() => useSystemClock());

  it('never lets a reminder leave after the payment was answered 2xx, over many concurrent races', async () => {
    const ROUNDS = 40;
    let paymentsThatWaited = 0;
    const race = async (round: number) => {
      const inv = await newInvoice();
      const left: { stage: string; at: number }[] = [];
      let stop = false;
      const sender = (async () => {
        for (const stage of ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']) {
          if (stop) return;
          const sendMs = 5 + ((round * 7 + stage.length * 3) % 35);
          const out = await guardedSend({ invoiceId: inv.invoiceId, stage, revision: inv.revision, run: inv.run }, sendMs, () =>
            left.push({ stage, at: performance.now() }),
          );
          if (out === 'refused') return;
          // Deliberate jitter: each round interleaves the sender and the payment differently.
          await sleep(round % 3);
        }
      })();
      await sleep((round * 13) % 60);
      const asked = performance.now();
      const res = await post(inv, 'payments', { amount: 120_000, date: '2026-03-02' });
      const answered = performance.now();
      const answeredAt = new Date().toISOString();
      stop = true;
      await sender;
      expect(res.status).toBe(201);
      // The assertion that matters: every reminder left before the 2xx.
      for (const l of left) expect(l.at, `round ${round}: ${l.stage} left after the payment was answered`).toBeLessThan(answered);
      if (left.some((l) => l.at > asked)) paymentsThatWaited++;

      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.invoice.status).toBe('paid');
      expect(view.sendingUntil).toBeUndefined();
      expect(view.events.some((e) => e.type === 'payment')).toBe(true);
      const messages = view.events.filter((e) => e.type === 'message');
      expect(messages.map((m) => m.outcome).every((o) => o === 'sent')).toBe(true);
      // Every message was logged before the payment's 2xx. (The payment's own `at` is when it was
      // asked: a send claimed while the request waited for the lease is logged after it, rightly.)
      for (const m of messages) expect(m.at <= answeredAt, `round ${round}: ${m.stage} logged after the payment was answered`).toBe(true);
    };
    for (let batch = 0; batch < ROUNDS; batch += 8) {
      await Promise.all(Array.from({ length: Math.min(8, ROUNDS - batch) }, (_, i) => race(batch + i)));
    }
    // The races were real: some payments had to wait for a send that was under way.
    expect(paymentsThatWaited).toBeGreaterThan(0);
  }, 60_000);

  it('a partial payment leaves the chase running: the next reminder still goes out', async () => {
    const inv = await newInvoice();
    expect((await post(inv, 'payments', { amount: 20_000, date: '2026-03-02' })).status).toBe(201);
    expect(await guardedSend({ invoiceId: inv.invoiceId, stage: 'dueDate', revision: 1, run: 0 })).toBe('sent');
  });

  it('repeated concurrent requests with one Idempotency-Key record one payment', async () => {
    const inv = await newInvoice();
    const req = { body: { amount: 30_000, date: '2026-03-02' }, idempotencyKey: `replay-${inv.invoiceId}` };
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(inv, 'payments', req.body, { idempotencyKey: req.idempotencyKey })));
    for (const a of answers) expect([201, 409]).toContain(a.status);
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const a of ok) expect(a.body.payment.paymentId).toBe(ok[0]!.body.payment.paymentId);
    const replay = await post(inv, 'payments', req.body, { idempotencyKey: req.idempotencyKey });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.payments).toHaveLength(1);
    expect(view.invoice.amountPaid).toBe(30_000);
  });
});

describe('a payment mid-timeline (Step Functions emulator, virtual clock)', () => {
  beforeAll(() => useClock(vclock));
  afterAll(() => useSystemClock());

  const DAY = 86_400_000;
  /** Starts the timeline one, eight and fifteen days from the virtual now; returns the execution and its instants. */
  const startTimeline = async (inv: Invoice) => {
    const base = vclock.nowMs();
    const iso = (days: number) => new Date(base + days * DAY).toISOString();
    const at = { dueDate: iso(1), firstOverdue: iso(8), secondOverdue: iso(15) };
    const name = executionName(T, inv.invoiceId, inv.revision, inv.run);
    emulator.start(name, JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run, at }));
    await settle();
    return { name, at, end: iso(30) };
  };
  const advanceTo = async (iso: string) => {
    vclock.advanceTo(Date.parse(iso));
    await settle();
  };
  const sends = (inv: Invoice) => sendLog.filter((s) => s.invoiceId === inv.invoiceId).map((s) => `${s.stage}:${s.outcome}`);

  it('stops the execution at once, with the reason in its history, and no later stage runs', async () => {
    const inv = await newInvoice();
    const { name, at, end } = await startTimeline(inv);
    await advanceTo(at.dueDate);
    expect(sends(inv)).toEqual(['dueDate:sent']);

    const res = await post(inv, 'payments', { amount: 120_000, date: '2026-03-03' });
    expect(res.status).toBe(201);
    const exec = emulator.list().find((e) => e.name === name)!;
    expect(exec.status).toBe('ABORTED');
    expect(exec.cause).toBe(`invoice paid in full: payment recorded by ${financeUser.email}`);
    expect(emulator.history(name).find((h) => h.type === 'ExecutionAborted')).toMatchObject({ cause: exec.cause });

    await advanceTo(end);
    expect(sends(inv)).toEqual(['dueDate:sent']);
  });

  it('even when stopping the execution fails, every later stage is refused by the guard', async () => {
    // Step Functions unreachable right after the commit: an error the emulator cannot be made to produce.
    const unreachable: Workflow = {
      start: async () => {
        throw new Error('unused');
      },
      stop: async () => {
        throw Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
      },
    };
    const stopFailures: string[] = [];
    const isolated = createAdminApi({
      tenantId: T,
      ...store,
      commands: new DynamoCommands(unreachable, store, { onStopFailed: (_e, n) => stopFailures.push(n) }),
      queries: new DynamoQueries(store),
      // No statement is uploaded here: the adapter is never called.
      documents: new S3Blobs('no-uploads-here'),
      events: { publish: async () => undefined },
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const inv = await newInvoice();
    const { name, at, end } = await startTimeline(inv);
    await advanceTo(at.dueDate);
    const res = await callApi(isolated, { method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 120_000, date: '2026-03-03' } });
    expect(res.status).toBe(201);
    expect(stopFailures).toEqual([name]);
    expect(emulator.list().find((e) => e.name === name)!.status).toBe('RUNNING');

    await advanceTo(end);
    expect(sends(inv)).toEqual(['dueDate:sent', 'firstOverdue:refused', 'secondOverdue:refused']);
  });
});

describe('promises, instalments and disputes against the guard', () => {
  // 2 March 2026, ticking in real time so leases keep their real length.
  beforeAll(() => {
    const origin = performance.now();
    useClock({ now: () => new Date(Date.parse('2026-03-02T09:00:00Z') + (performance.now() - origin)) });
  });
  afterAll(() => useSystemClock());
  const exec = (inv: Invoice) => ({ revision: inv.revision, run: inv.run });
  /** What CheckPromise does the day after the date: a guarded promised -> open transition of its own run. */
  const markBroken = async (inv: Invoice, date: string): Promise<'broken' | 'refused'> => {
    try {
      const claim = await store.sendGuard.claimSend({
        ...claimFor(inv, `promiseBroken#${date}`, exec(inv)),
        requiredStatus: 'promised',
        thenStatus: 'open',
        removeFields: ['promise', 'plan'],
      });
      if (claim.outcome === 'claimed') await store.sendGuard.completeSend(claim.lease, []);
      return 'broken';
    } catch (err) {
      if (err instanceof InvoiceClosedError) return 'refused';
      throw err;
    }
  };
  const claimOpen = (inv: Invoice, stage: string) => guardedSend({ invoiceId: inv.invoiceId, stage, ...exec(inv) });

  it('promise: no reminder while it runs; kept by a payment, the check cannot mark it broken', async () => {
    const before = await newInvoice();
    expect((await post(before, 'promises', { date: '2026-03-20', amount: 50_000, by: 'Paolo Verdi' })).status).toBe(201);
    const promised = await current(before);
    expect(promised).toMatchObject({ status: 'promised', run: 1 });
    expect(await claimOpen(before, 'secondOverdue')).toBe('refused'); // the old run
    expect(await claimOpen(promised, 'secondOverdue')).toBe('refused'); // the promise run, status promised

    expect((await post(before, 'payments', { amount: 50_000, date: '2026-03-02' })).status).toBe(201);
    const kept = await current(before);
    expect(kept).toMatchObject({ status: 'open', run: 2, amountPaid: 50_000 });
    expect(await markBroken(promised, '2026-03-20')).toBe('refused');
    expect(await claimOpen(kept, 'secondOverdue')).toBe('sent'); // the chase goes on for the rest
  });

  it('promise broken: without a payment the check reopens it in the promise run, and a late payment still short-circuits', async () => {
    const inv = await newInvoice();
    await post(inv, 'promises', { date: '2026-03-20' });
    const promised = await current(inv);
    expect(promiseKept(promised)).toBe(false);
    expect(await markBroken(promised, '2026-03-20')).toBe('broken');
    expect(await current(inv)).toMatchObject({ status: 'open', run: 1 });
    expect((await current(inv)).promise).toBeUndefined();
    expect((await post(inv, 'payments', { amount: 120_000, date: '2026-03-02' })).status).toBe(201);
    expect(await claimOpen(promised, 'creditHold')).toBe('refused');
  });

  it('instalments: each one paid moves the check to the next; a missed one is caught in its own run', async () => {
    const inv = await newInvoice();
    const plan = { instalments: [{ date: '2026-03-15', amount: 40_000 }, { date: '2026-04-15', amount: 40_000 }, { date: '2026-05-15', amount: 40_000 }] };
    expect((await post(inv, 'instalment-plan', plan)).status).toBe(201);
    const first = await current(inv);
    expect(first.promise).toMatchObject({ date: '2026-03-15', expectedPaid: 40_000 });

    await post(inv, 'payments', { amount: 40_000, date: '2026-03-02' });
    const second = await current(inv);
    expect(second).toMatchObject({ status: 'promised', run: first.run + 1, promise: { date: '2026-04-15', expectedPaid: 80_000 } });
    expect(await markBroken(first, '2026-03-15')).toBe('refused'); // the first instalment was kept

    expect(await markBroken(second, '2026-04-15')).toBe('broken'); // the second was missed
    expect(await current(inv)).toMatchObject({ status: 'open', amountPaid: 40_000 });
  });

  it('dispute: refuses every reminder until resolved; rejected resumes, upheld resumes for the corrected amount', async () => {
    for (const [resolution, expected] of [
      [{ outcome: 'rejected' }, { amount: 120_000 }],
      [{ outcome: 'upheld', creditNote: { amount: 20_000, reference: 'NC 7' } }, { amount: 100_000 }],
    ] as const) {
      const inv = await newInvoice();
      expect((await post(inv, 'disputes', { reason: 'goods', text: 'damaged on delivery' })).status).toBe(201);
      const disputed = await current(inv);
      expect(disputed.status satisfies InvoiceStatus).toBe('disputed');
      expect(await claimOpen(disputed, 'firstOverdue')).toBe('refused');

      expect((await post(inv, 'disputes/resolve', resolution)).status).toBe(200);
      const resumed = await current(inv);
      expect(resumed).toMatchObject({ status: 'open', run: disputed.run + 1, ...expected });
      expect(await claimOpen(disputed, 'firstOverdue')).toBe('refused'); // nothing from before the resolution
      expect(await claimOpen(resumed, 'firstOverdue')).toBe('sent');
    }
  });
});

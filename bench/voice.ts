/**
 * `npm run bench -- voice`: one voice per customer at volume. A generated portfolio (1,000
 * customers by default, 1 to 20 invoices each, most of a customer's invoices due on the same day or
 * a week apart, the three built-in policies, some customers with a mobile) runs through the local
 * stack with the real handlers (stream -> executions -> every Task -> SES and SMS stand-ins) for
 * BENCH_VOICE_DAYS virtual days; about one customer in eight pays some invoices by hand at 07:30
 * (the thank-yous then wait for the window). Executions due at the same instant wake together (not
 * one at a time as in the demo): the product's own serialisation has to give one message.
 * Checked at the end: at most one customer-facing e-mail and one SMS per customer and day, every
 * stage whose moment came recorded (no invoice behind its plan, no failure), nothing sent twice.
 * BENCH_VOICE_CUSTOMERS=100 for a quick look.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, ROOT, TENANT_ID, type LocalStack } from '../local/stack.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { customerToItem, invoiceToItem } from '../lambdas/adapters/dynamo/items.js';
import { Customer, Invoice, Tenant, amountDue, type PolicyId } from '../lambdas/domain/model.js';
import { addDays, localDay } from '../lambdas/domain/shared/days.js';
import { planTimeline } from '../lambdas/domain/timeline/planner.js';
import { lastTouch } from '../lambdas/domain/timeline/consolidation.js';
import { policyFor } from '../lambdas/domain/timeline/policies.js';
import { prng } from './prng.js';


const TODAY = '2026-03-02';
const POLICIES: PolicyId[] = ['standard', 'standard', 'firm', 'relationship'];

export interface VoiceFigures {
  customers: number;
  invoices: number;
  emails: number;
  sms: number;
  /** Invoices a customer message covered, on average (its own and those it carried). */
  invoicesPerEmail: number;
  /** Customer-days with more than one e-mail, or more than one SMS (target: none). */
  busyDays: string[];
  /** What left on those days: instant, channel, the invoice and stage it was sent for. */
  busyDetail: string[];
  /** Invoices whose plan has a stage whose moment came and went without it (target: none). */
  behind: string[];
  /** Invoices the timeline failed on (target: none). */
  failed: string[];
  /** A stage or message sent twice on one channel (target: none). */
  twice: string[];
  /** Messages the product claimed and left on one channel, by kind. */
  byKind: Record<string, number>;
  problems: string[];
  seconds: number;
}

const batches = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export const runVoicePortfolio = async (opts: { customers: number; days: number; seed?: number }): Promise<VoiceFigures> => {
  const started = performance.now();
  const problems: string[] = [];
  const stack: LocalStack = await startStack({ mode: 'discrete', today: TODAY, outDir: join(tmpdir(), 'sollecito-bench-voice'), onError: (where, err) => problems.push(`${where}: ${(err as Error).message}`) });
  try {
    const rnd = prng(opts.seed ?? 20_260_302);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const store = dynamoRepositories();
    const tenant = Tenant.parse(JSON.parse(readFileSync(join(ROOT, 'local/seed/tenant.json'), 'utf8')));
    await store.tenants.putTenant(tenant);
    const customers: Customer[] = [];
    const invoices: Invoice[] = [];
    for (let c = 0; c < opts.customers; c++) {
      const customerId = `V-${String(c).padStart(5, '0')}`;
      const customer = Customer.parse({
        tenantId: TENANT_ID,
        customerId,
        name: `Cliente ${c} S.r.l.`,
        country: 'IT',
        language: 'it',
        timeZone: 'Europe/Rome',
        email: `ap${c}@voice.example`,
        ...(rnd() < 0.5 ? { phone: `+3934${String(10_000_000 + c).slice(-8)}` } : {}),
        policy: pick(POLICIES),
        salesRep: { name: 'Marco Rossi', email: 'marco.rossi@officinerossi.example' },
      });
      customers.push(customer);
      const n = 1 + Math.floor(rnd() * 20);
      // Most of a customer's invoices share one due date; the rest a week either side.
      const base = addDays('2026-02-09', 7 * Math.floor(rnd() * 6));
      for (let i = 0; i < n; i++) {
        const dueDate = rnd() < 0.6 ? base : addDays(base, 7 * (rnd() < 0.5 ? -1 : 1));
        invoices.push(
          Invoice.parse({
            tenantId: TENANT_ID,
            invoiceId: `${customerId}-${i}`,
            number: `2026/${c}-${i}`,
            customerId,
            issueDate: addDays(dueDate, -30),
            dueDate,
            currency: 'EUR',
            amount: 10_000 + Math.floor(rnd() * 500_000),
            status: 'open',
            createdAt: `${TODAY}T07:00:00Z`,
            updatedAt: `${TODAY}T07:00:00Z`,
          }),
        );
      }
    }
    const items = [...customers.map(customerToItem), ...invoices.map(invoiceToItem)];
    for (const group of batches(batches(items, 25), 8)) {
      await Promise.all(group.map((b) => store.doc.send(new BatchWriteCommand({ RequestItems: { [store.name]: b.map((Item) => ({ PutRequest: { Item } })) } }))));
    }
    await stack.settle();

    // Payments by hand: one customer in eight pays some invoices one morning at 07:30, before the window.
    const payments = invoices
      .filter((i) => Number(i.customerId.slice(2)) % 8 === 3 && rnd() < 0.5)
      .map((i) => ({ invoice: i, at: Date.parse(`${addDays(TODAY, 1 + Math.floor(rnd() * (opts.days - 2)))}T06:30:00Z`) }))
      .sort((a, b) => a.at - b.at);
    const end = Date.parse(`${addDays(TODAY, opts.days)}T06:00:00Z`);
    for (;;) {
      await stack.settle();
      const due = payments.filter((p) => p.at <= stack.clock.nowMs());
      for (const p of due) {
        payments.splice(payments.indexOf(p), 1);
        const current = await store.invoices.getInvoice(TENANT_ID, p.invoice.invoiceId);
        if (!current || !['open', 'promised'].includes(current.status)) continue;
        const res = await fetch(`${stack.apiUrl}/v1/invoices/${encodeURIComponent(p.invoice.invoiceId)}/payments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.financeToken}`, 'content-type': 'application/json', 'idempotency-key': `voice-${p.invoice.invoiceId}` },
          body: JSON.stringify({ amount: amountDue(current), date: localDay(stack.clock.now(), 'Europe/Rome'), method: 'bank_transfer', reference: 'voice' }),
        });
        if (!res.ok) problems.push(`payment ${p.invoice.invoiceId}: ${res.status}`);
      }
      if (due.length > 0) continue;
      const next = [stack.clock.nextWakeUp(), payments[0]?.at].filter((t): t is number => t !== undefined && t <= end);
      if (next.length === 0) break;
      stack.clock.advanceTo(Math.min(...next));
    }
    stack.clock.advanceTo(end, false);

    // The checks
    const ownerOf = new Map(invoices.map((i) => [i.invoiceId, i.customerId]));
    const day = (at: string) => localDay(new Date(at), 'Europe/Rome');
    const toCustomers = stack.ses.sent().filter((m) => m.tags.stage && ownerOf.has(m.tags.invoice ?? ''));
    const texts = stack.sms.messages().filter((t) => ownerOf.has(t.context.invoice ?? ''));
    const count = new Map<string, number>();
    for (const m of toCustomers) count.set(`${ownerOf.get(m.tags.invoice!)} ${day(m.at)} email`, (count.get(`${ownerOf.get(m.tags.invoice!)} ${day(m.at)} email`) ?? 0) + 1);
    for (const t of texts) count.set(`${ownerOf.get(t.context.invoice!)} ${day(t.at)} sms`, (count.get(`${ownerOf.get(t.context.invoice!)} ${day(t.at)} sms`) ?? 0) + 1);
    const busy = [...count].filter(([, n]) => n > 1);
    const busyDays = busy.map(([k, n]) => `${k} x${n}`);
    const busyKeys = new Set(busy.map(([k]) => k));
    const busyDetail = [
      ...toCustomers.filter((m) => busyKeys.has(`${ownerOf.get(m.tags.invoice!)} ${day(m.at)} email`)).map((m) => `${m.at} email ${m.tags.invoice} ${m.tags.stage}`),
      ...texts.filter((t) => busyKeys.has(`${ownerOf.get(t.context.invoice!)} ${day(t.at)} sms`)).map((t) => `${t.at} sms ${t.context.invoice} ${t.context.stage}`),
    ].sort();
    const customerOf = new Map(customers.map((c) => [c.customerId, c]));
    const behind: string[] = [];
    const failed: string[] = [];
    const twice: string[] = [];
    const byKind: Record<string, number> = {};
    let covered = 0;
    for (const group of batches(invoices, 50)) {
      const views = await Promise.all(group.map((i) => store.invoices.getInvoiceView(TENANT_ID, i.invoiceId)));
      for (const v of views) {
        if (!v) continue;
        const inv = v.invoice;
        if (inv.failure) failed.push(`${inv.invoiceId} ${inv.failure.state}: ${inv.failure.error}`);
        const customer = customerOf.get(inv.customerId)!;
        if (inv.status === 'open') {
          const plan = planTimeline({ invoice: inv, customer, policy: policyFor(customer, tenant), stagesDone: v.stagesDone, now: new Date(end), ...(lastTouch(inv, v.stagesDone) ? { lastContactAt: lastTouch(inv, v.stagesDone)! } : {}) });
          if (plan.mode === 'timeline' && plan.next !== 'none' && Date.parse(plan.at[plan.next]) < end - 86_400_000) behind.push(`${inv.invoiceId} ${plan.next} at ${plan.at[plan.next]}`);
        }
        const sent = v.events.filter((e) => e.type === 'message' && e.outcome === 'sent');
        const seen = new Set<string>();
        for (const e of sent) {
          const key = `${String(e.details?.guardKey ?? e.stage)} ${e.channel}`;
          if (seen.has(key)) twice.push(`${inv.invoiceId} ${key}`);
          seen.add(key);
          if (e.channel === 'email') {
            covered++;
            byKind[String(e.stage)] = (byKind[String(e.stage)] ?? 0) + 1;
          }
        }
      }
    }
    return {
      customers: customers.length,
      invoices: invoices.length,
      emails: toCustomers.length,
      sms: texts.length,
      invoicesPerEmail: toCustomers.length ? covered / toCustomers.length : 0,
      busyDays,
      busyDetail,
      behind,
      failed,
      twice,
      byKind,
      problems,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stack.stop();
  }
};

export const benchVoice = async (): Promise<string[]> => {
  const customers = Number(process.env.BENCH_VOICE_CUSTOMERS ?? 1_000);
  const days = Number(process.env.BENCH_VOICE_DAYS ?? 45);
  const f = await runVoicePortfolio({ customers, days });
  const list = (xs: string[]) => (xs.length === 0 ? 'none' : `${xs.length} (${xs.slice(0, 5).join('; ')}${xs.length > 5 ? '; …' : ''})`);
  return [
    `portfolio: ${f.customers.toLocaleString('en')} customers, ${f.invoices.toLocaleString('en')} invoices, ${days} virtual days in ${f.seconds.toFixed(0)} s (local stack, real handlers, same-instant wake-ups together)`,
    `customer e-mails: ${f.emails.toLocaleString('en')}, SMS: ${f.sms.toLocaleString('en')}; ${f.invoicesPerEmail.toFixed(2)} invoices per e-mail; by kind (invoice lines): ${Object.entries(f.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `customer-days with more than one e-mail or SMS: ${list(f.busyDays)}`,
    `invoices behind their plan: ${list(f.behind)}; failed: ${list(f.failed)}; sent twice: ${list(f.twice)}; handler problems: ${list(f.problems)}`,
  ];
};

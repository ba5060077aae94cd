/**
 * Domain object <-> DynamoDB item. Every repository that reads or writes these records goes
 * through here, so key layout and index membership are decided in one place, and every read is
 * parsed (zod) into the domain's type.
 */
import * as z from 'zod/mini';
import { ACTIVE_STATUSES, ContactEvent, Customer, Invoice, OfficeHours, Payment, SalesNote, StageId, Tenant } from '../../domain/model.js';
import { FinanceTask } from '../../domain/commands/tasks.js';
import { CLOSING_OUTCOMES, type ActivityItem } from '../../domain/reports/activity.js';
import { activityId } from '../../domain/reports/activity.js';
import type { CallTask, CustomerCall } from '../../domain/timeline/call-records.js';
import type { StageDone } from '../../domain/timeline/plan.js';
import type { StoredCallItem } from '../../app/ports/call-queue.js';
import type { ShortLink } from '../../domain/messages/short-links.js';
import { keys } from './keys.js';
import { nameKey } from '../../domain/shared/name-key.js';
import type { Item } from './query.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

const strip = (item: Item): Item => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, entity: _e, sendingUntil: _s, ttl: _t, ...rest } =
    item;
  return rest;
};

const skOf = (item: Item): string => (typeof item.sk === 'string' ? item.sk : '');

// Object.assign rather than spreads after other properties: the same item, built about ten times
// faster on Node 20's V8, which matters when ingest writes 100,000 of them (bench/ingest.ts).
export const invoiceToItem = (inv: Invoice): Item =>
  Object.assign(
    keys.invoice(inv.tenantId, inv.invoiceId),
    { entity: 'invoice' },
    inv,
    // Sparse index: an invoice leaves the open-by-due index the moment it can no longer be chased.
    ACTIVE_STATUSES.includes(inv.status) ? keys.openByDue(inv.tenantId, inv.invoiceId, inv.dueDate) : {},
    keys.byCustomer(inv.tenantId, inv.customerId, inv.invoiceId, inv.dueDate),
  );

export const itemToInvoice = (item: Item): Invoice => Invoice.parse(strip(item));

/** The lease a send holds on the invoice item (dynamo-guard.ts), if any. */
export const sendingUntilOf = (item: Item): string | undefined => (typeof item.sendingUntil === 'string' ? item.sendingUntil : undefined);

/**
 * Validated before it is written: a customer the model cannot read back is never stored (one
 * unreadable item used to break every read of it and the tenant's report). Its sales notes are
 * items of their own (salesNoteToItem), never part of the customer item.
 */
export const customerToItem = (c: Customer): Item => {
  const { salesNotes: _notes, ...stored } = Customer.parse(c);
  return { ...keys.customer(c.tenantId, c.customerId), ...customerNameIndex(c), entity: 'customer', ...stored };
};
/** Notes an older customer item held inline are not read: the model reads the note items. */
export const itemToCustomer = (item: Item): Customer => {
  const { salesNotes: _inline, ...rest } = strip(item);
  return Customer.parse(rest);
};

/** The customer's entry in the by-name lookup (keys.customerByName), kept with its name. */
export const customerNameIndex = (c: Pick<Customer, 'tenantId' | 'customerId' | 'name'>): Item => keys.customerByName(c.tenantId, nameKey(c.name), c.customerId);

export const salesNoteToItem = (n: SalesNote): Item => ({ ...keys.salesNote(n.tenantId, n.customerId, n.noteId), entity: 'salesNote', ...n });
export const itemToSalesNote = (item: Item): SalesNote => SalesNote.parse(strip(item));

export const tenantToItem = (t: Tenant): Item => ({ ...keys.tenant(t.tenantId), entity: 'tenant', ...t });
export const itemToTenant = (item: Item): Tenant => Tenant.parse(strip(item));

export const eventToItem = (e: ContactEvent): Item => ({
  ...keys.logEvent(e.tenantId, e.invoiceId, e.at, e.eventId),
  entity: 'event',
  ...e,
});
export const itemToEvent = (item: Item): ContactEvent => ContactEvent.parse(strip(item));

/** A customer-level log entry (invoiceId ''): in the customer's partition. */
export const customerEventToItem = (customerId: string, e: ContactEvent): Item => ({
  ...keys.customerLogEvent(e.tenantId, customerId, e.at, e.eventId),
  entity: 'customerEvent',
  ...e,
});

export const paymentToItem = (tenantId: string, invoiceId: string, p: Payment): Item => ({
  ...keys.payment(tenantId, invoiceId, p.paymentId),
  entity: 'payment',
  tenantId,
  invoiceId,
  ...p,
});
export const itemToPayment = (item: Item): Payment => Payment.parse(item);

/** A guard item (keys.stageDone) as the planner sees it. */
export const itemToStageDone = (item: Item): StageDone => ({ stage: skOf(item).slice('STAGE#'.length), at: String(item.at) });

/** Tax id -> customer (keys.customerByTaxId). */
export const taxIdToItem = (tenantId: string, taxKey: string, customerId: string): Item => ({
  ...keys.customerByTaxId(tenantId, taxKey),
  entity: 'taxId',
  customerId,
});


export const taskToItem = (t: FinanceTask): Item => ({ ...keys.task(t.tenantId, t.taskId), entity: 'task', ...t });
export const itemToTask = (item: Item): FinanceTask => FinanceTask.parse(item);

const StageBefore = lazySchema(() => z.union([StageId, z.literal('none')]));
const activityBase = lazySchema(() => ({
  tenantId: z.string(),
  invoiceId: z.string(),
  number: z.string(),
  customerId: z.string(),
  dueDate: z.string(),
  date: z.string(),
  currency: z.string(),
  amount: z.number(),
}));
const ActivityItemSchema: z.ZodMiniType<ActivityItem> = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({ ...activityBase, kind: z.literal('issued') }),
  z.object({ ...activityBase, kind: z.literal('collected'), paymentId: z.string(), valueDate: z.string(), afterStage: StageBefore, policy: z.string() }),
  z.object({ ...activityBase, kind: z.literal('reversed'), paymentId: z.string(), reason: z.enum(['return', 'undo']) }),
  z.object({ ...activityBase, kind: z.literal('promised'), promiseDate: z.string(), instalment: z.boolean() }),
  z.object({ ...activityBase, kind: z.literal('promiseBroken'), promiseDate: z.string() }),
  z.object({
    ...activityBase,
    kind: z.literal('closed'),
    outcome: z.enum(CLOSING_OUTCOMES),
    policy: z.string(),
    lastStage: StageBefore,
    lastStageDate: z.optional(z.string()),
    firstOverdueDate: z.optional(z.string()),
    paidOn: z.optional(z.string()),
  }),
]));

export const activityToItem = (a: ActivityItem): Item => ({ ...keys.activity(a.tenantId, a.date, activityId(a)), entity: 'activity', ...a });
/** An activity item, or undefined for an item of the feed's partition that is not one. */
export const itemToActivity = (item: Item): ActivityItem | undefined => {
  const parsed = ActivityItemSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
};

export const callTaskToItem = (task: CallTask): Item => ({
  ...keys.callTask(task.tenantId, task.day, task.customerId, task.invoiceId),
  entity: 'callTask',
  ...task,
});

/** The customer call's fields, for an update that writes each one only if it is not there yet. */
export const customerCallFields = (call: CustomerCall): [string, unknown][] =>
  Object.entries({ entity: 'customerCall', ...call }).filter(([, v]) => v !== undefined);

// Items of the call queue as stored: lenient, since items written before calls were shared carry
// only some of these fields (and `at` where newer ones have `callAt`).
const optionalString = lazySchema(() => z.optional(z.string()));
const CallBasisFields = lazySchema(() => ({
  tenantId: optionalString,
  day: optionalString,
  customerName: optionalString,
  contactName: optionalString,
  phone: optionalString,
  timeZone: optionalString,
  officeHours: z.optional(OfficeHours),
  callAt: optionalString,
  summary: optionalString,
  talkingPoints: z.optional(z.array(z.string())),
  salesNotes: z.optional(z.array(z.string())),
  callId: optionalString,
  createdAt: optionalString,
  outcome: z.optional(z.record(z.string(), z.unknown())),
}));
const StoredCallTaskSchema = lazySchema(() => z.object({
  ...CallBasisFields,
  invoiceNumber: optionalString,
  currency: optionalString,
  amountDue: z.optional(z.number()),
  daysPastDue: z.optional(z.number()),
}));
const CallMentionSchema = lazySchema(() => z.object({ invoiceId: z.string(), invoiceNumber: z.string(), currency: z.string(), amountDue: z.number(), daysPastDue: z.number() }));
const StoredCustomerCallSchema = lazySchema(() => z.object({
  ...CallBasisFields,
  leadInvoiceId: optionalString,
  alsoOverdue: z.optional(z.array(CallMentionSchema)),
  totals: z.optional(z.array(z.object({ currency: z.string(), amount: z.number() }))),
}));

/** A call-queue item (sk `<customerId>#` for the customer's call, `<customerId>#<invoiceId>` for a line). */
export const itemToStoredCall = (item: Item): StoredCallItem => {
  const sk = skOf(item);
  const cut = sk.indexOf('#');
  const customerId = typeof item.customerId === 'string' && item.customerId !== '' ? item.customerId : cut >= 0 ? sk.slice(0, cut) : sk;
  const callAt = typeof item.callAt === 'string' ? item.callAt : typeof item.at === 'string' ? item.at : undefined;
  const withCallAt = callAt === undefined ? {} : { callAt };
  const invoiceId = typeof item.invoiceId === 'string' && item.invoiceId !== '' ? item.invoiceId : cut >= 0 ? sk.slice(cut + 1) : '';
  if (item.entity === 'customerCall' || invoiceId === '') {
    return { ...StoredCustomerCallSchema.parse(item), ...withCallAt, entity: 'customerCall', customerId };
  }
  return { ...StoredCallTaskSchema.parse(item), ...withCallAt, entity: 'callTask', customerId, invoiceId };
};

/** Expression fragments for the open-by-due index when a status change moves an invoice in or out. */
export const openIndexUpdate = (inv: Pick<Invoice, 'tenantId' | 'invoiceId' | 'dueDate'>, active: boolean) =>
  active ? { set: keys.openByDue(inv.tenantId, inv.invoiceId, inv.dueDate), remove: [] as string[] } : { set: {}, remove: ['gsi1pk', 'gsi1sk'] };

const ShortLinkSchema = lazySchema(() => z.object({
  code: z.string(),
  tenantId: z.string(),
  invoiceId: z.string(),
  run: z.number(),
  ref: z.string(),
  nonce: z.string(),
  expiresAt: z.number(),
}));

/**
 * A short link's two items (keys.shortLink by its code, keys.messageShortLink by its message),
 * the same fields in both; the table's TTL removes them at the link's expiry.
 */
export const shortLinkItems = (s: ShortLink): { byCode: Item; byMessage: Item } => {
  const fields = { tenantId: s.tenantId, invoiceId: s.invoiceId, run: s.run, ref: s.ref, code: s.code, nonce: s.nonce, expiresAt: s.expiresAt, ttl: s.expiresAt };
  return {
    byCode: { ...keys.shortLink(s.tenantId, s.code), entity: 'shortLink', ...fields },
    byMessage: { ...keys.messageShortLink(s.tenantId, s.invoiceId, s.run, s.ref), entity: 'messageShortLink', ...fields },
  };
};
export const itemToShortLink = (item: Item): ShortLink => ShortLinkSchema.parse(strip(item));

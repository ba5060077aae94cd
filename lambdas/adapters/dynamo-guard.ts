/**
 * The send guard: no reminder leaves twice, and none leaves once a payment (promise, dispute,
 * pause…) has been recorded.
 *
 * Key facts (the admin API's commands rely on them; docs/data-model.md tells the same story):
 * - claimSend is ONE TransactWriteItems:
 *   1. Update of the invoice item with the condition
 *      `#status = :required AND revision = :rev AND run = :run
 *       AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now)`
 *      setting `sendingUntil = now + lease` (default 20 s, ISO instant by the clock in clock.ts);
 *   2. Put of the stage guard item `keys.stageDone(t, id, guardKey)` with `attribute_not_exists(pk)`;
 *      guardKey is a stage id or a one-off message key (`thankYou`, `brokenPromise#<date>`,
 *      `instalmentMissed#<date>`, `instalmentDue#<date>`, `extra:<id>` (a policy's extra reminder), `creditHold#notice`, `escalation#notice`);
 *   3. Put of the contact-log entries, outcome 'pending' for every message about to leave;
 *   (+ optional writes that must happen exactly once with the claim, e.g. the customer's credit hold).
 * - Only after the commit does a message leave. completeSend then clears the lease, sets
 *   lastContactAt, gives the customer's turn back when handed it (dynamo-voice.ts; one request
 *   less per message) and completes each pending log entry in place (outcome 'sent' + messageId, or
 *   'failed'). The log stays append-only in meaning: an entry is created once and never deleted;
 *   the only change it ever sees is its outcome moving on from 'pending'.
 * - If the claim fails because the invoice is gone, in another status, or in another revision or
 *   run: InvoiceClosedError ('Sollecito.InvoiceClosed', the execution ends in Closed). If the guard
 *   item exists: 'alreadyDone' (a Lambda retry after a crash never sends twice; the pending entry
 *   stays as the trace). If only the lease is held by another send: wait shortly and retry, then
 *   TransientError ('Sollecito.Transient') so the state machine retries with backoff.
 * - A command (payment, promise, dispute, pause…) writes with the mirror condition
 *   `attribute_not_exists(sendingUntil) OR sendingUntil < :now`, so once it has committed, every
 *   later claim sees the new status and every claim before it has either sent or will not.
 * - A send may start only while the lease still covers the call's whole deadline (`leaseAllows`),
 *   measured on the real monotonic clock: the clock in clock.ts may be the local stack's virtual one.
 *   If it does not, or the provider answers with a transient error before anything left,
 *   releaseSend deletes the guard item, marks the pending entries 'skipped' and frees the lease.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { VoiceLease } from '../app/ports/customer-voice.js';
import { ACTIVE_STATUSES, type ContactEvent, type InvoiceStatus } from '../domain/model.js';
import type { ClaimRequest, ClaimResult, ContactsAdded, SendGuard, SendLease, SendResult } from '../app/ports/send-guard.js';
import { clock } from './clock.js';
import type { Table } from './dynamo/client.js';
import { all, entryIsPending, executionIsCurrent, itemExists, itemIsNew, leaseIsFree, leaseIsMine } from './dynamo/conditions.js';
import { cancellationCodes } from './dynamo/errors.js';
import { eventToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { transactItemOf, type TransactItem } from './dynamo/transaction-part.js';
import { contactRecordUpdate } from './dynamo-customers.js';
import { InvoiceClosedError, TransientError, asTransient, isBusyTransaction } from './workflow-errors.js';

export const DEFAULT_LEASE_MS = 20_000;
/** Kept free at the end of a lease: the completion write and clock skew between Lambdas. */
export const LEASE_SAFETY_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type GuardTarget = Pick<ClaimRequest, 'tenantId' | 'invoiceId' | 'guardKey' | 'revision' | 'run' | 'events'>;

const guardItem = (req: GuardTarget, at: string, sharedWith?: string) => ({
  ...keys.stageDone(req.tenantId, req.invoiceId, req.guardKey),
  entity: 'stageDone',
  tenantId: req.tenantId,
  invoiceId: req.invoiceId,
  stage: req.guardKey,
  at,
  revision: req.revision,
  run: req.run,
  eventIds: req.events.map((e) => e.eventId),
  // A companion's stage was done by the message of another invoice of the same customer.
  ...(sharedWith ? { sharedWith } : {}),
});

const guardPut = (table: Table, target: GuardTarget, at: string, sharedWith?: string): TransactItem => ({
  Put: { TableName: table.name, Item: guardItem(target, at, sharedWith), ConditionExpression: itemIsNew },
});

const eventPut = (table: Table, e: ContactEvent): TransactItem => ({
  Put: { TableName: table.name, Item: eventToItem(e), ConditionExpression: itemIsNew },
});

const claimSend = async (table: Table, req: ClaimRequest): Promise<ClaimResult> => {
  const leaseMs = req.leaseMs ?? DEFAULT_LEASE_MS;
  const waitUntil = performance.now() + (req.maxLeaseWaitMs ?? 3_000);
  let companions = [...(req.companions ?? [])];
  for (let attempt = 0; ; attempt++) {
    const startedMono = performance.now();
    const now = clock.now();
    const sendingUntil = new Date(now.getTime() + leaseMs).toISOString();
    // The claimed invoice's update and guard come first: the cancellation reasons are read by index.
    const items: TransactItem[] = [
      claimUpdate(table, req, now.toISOString(), sendingUntil),
      guardPut(table, req, now.toISOString()),
      ...req.events.map((e) => eventPut(table, e)),
      ...(req.alsoWrite ?? []).map(transactItemOf),
      ...(req.contactRecord ? [transactItemOf(req.contactRecord)] : []),
    ];
    const contactRecordAt = req.contactRecord ? items.length - 1 : -1;
    const owner: number[] = items.map(() => -1);
    companions.forEach((c, i) => {
      const target = { ...c, tenantId: req.tenantId };
      const own = [
        claimUpdate(table, { ...target, requiredStatus: c.requiredStatus ?? 'open' }, now.toISOString(), sendingUntil),
        guardPut(table, target, now.toISOString(), req.invoiceId),
        ...c.events.map((e) => eventPut(table, e)),
        ...(c.alsoWrite ?? []).map(transactItemOf),
      ];
      items.push(...own);
      owner.push(...own.map(() => i));
    });
    try {
      await table.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return {
        outcome: 'claimed',
        lease: {
          tenantId: req.tenantId,
          invoiceId: req.invoiceId,
          guardKey: req.guardKey,
          sendingUntil,
          events: req.events,
          deadline: startedMono + leaseMs - LEASE_SAFETY_MS,
          companions,
          ...(req.contactsAdded ? { contactsAdded: req.contactsAdded } : {}),
        },
      };
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes) throw asTransient('claimSend', err);
      const failedCompanions = new Set(codes.flatMap((c, i) => (c !== 'None' && owner[i]! >= 0 ? [owner[i]!] : [])));
      const mainCodes = codes.filter((_, i) => owner[i] === -1);
      if (failedCompanions.size > 0 && mainCodes.every((c) => c === 'None')) {
        // Only companions stood in the way: they go on their own timelines; this message goes without them.
        companions = companions.filter((_, i) => !failedCompanions.has(i));
        continue;
      }
      if (contactRecordAt >= 0 && codes[contactRecordAt] === 'ConditionalCheckFailed' && codes[0] === 'None' && codes[1] === 'None') {
        throw new TransientError(`claimSend ${req.guardKey}: the customer's contact record changed meanwhile`);
      }
      const invoiceFailed = codes[0] === 'ConditionalCheckFailed';
      const guardFailed = codes[1] === 'ConditionalCheckFailed';
      const conflict = codes.some((c) => c === 'TransactionConflict');
      if (invoiceFailed || guardFailed) {
        // With the guard item present, the claim's own status change having happened is not a closure.
        const reason = await closedReason(table, req, guardFailed ? req.thenStatus : undefined);
        if (reason) throw new InvoiceClosedError(reason);
        if (guardFailed) return alreadyDone(table, req);
      } else if (!conflict) {
        // Cancelled for throttling or a capacity error: the state machine's Retry is the right answer.
        if (isBusyTransaction(err)) throw new TransientError(`claimSend ${req.guardKey}: transaction cancelled (${codes.join(', ')})`, { cause: err });
        throw new Error(`claimSend ${req.guardKey}: transaction cancelled (${codes.join(', ')})`, { cause: err });
      }
      // Another send holds the lease, or a concurrent write touched the same items: wait it out briefly.
      if (performance.now() >= waitUntil) {
        throw new TransientError(`claimSend ${req.guardKey}: invoice busy (${conflict ? 'transaction conflict' : 'lease held'})`);
      }
      await sleep(Math.min(400, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
};

type ClaimTarget = Pick<ClaimRequest, 'tenantId' | 'invoiceId' | 'revision' | 'run' | 'requiredStatus' | 'thenStatus' | 'removeFields'>;

const claimUpdate = (table: Table, req: ClaimTarget, now: string, sendingUntil: string): TransactItem => {
  const set = ['sendingUntil = :until'];
  // Field names go through placeholders: `plan` is a DynamoDB reserved word.
  const names: Record<string, string> = { '#status': 'status', '#revision': 'revision', '#run': 'run' };
  const remove: string[] = (req.removeFields ?? []).map((f) => {
    names[`#${f}`] = f;
    return `#${f}`;
  });
  const values: Record<string, unknown> = {
    ':until': sendingUntil,
    ':required': req.requiredStatus,
    ':rev': req.revision,
    ':run': req.run,
    ':now': now,
  };
  if (req.thenStatus) {
    set.push('#status = :then', 'updatedAt = :now');
    values[':then'] = req.thenStatus;
    // Sparse open-by-due index (items.ts): an invoice that can no longer be chased leaves it.
    if (!ACTIVE_STATUSES.includes(req.thenStatus)) remove.push('gsi1pk', 'gsi1sk');
  }
  return {
    Update: {
      TableName: table.name,
      Key: keys.invoice(req.tenantId, req.invoiceId),
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: all(itemExists, executionIsCurrent, leaseIsFree),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** Why the invoice can no longer be chased by this claim, or undefined when it still can. */
const closedReason = async (table: Table, req: ClaimRequest, alsoFine?: InvoiceStatus): Promise<string | undefined> => {
  const out = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: keys.invoice(req.tenantId, req.invoiceId), ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item) return 'invoice not found';
  if (item.status !== req.requiredStatus && item.status !== alsoFine) return `invoice is ${String(item.status)}, ${req.guardKey} needs ${req.requiredStatus}`;
  if (item.revision !== req.revision) return `invoice is at revision ${String(item.revision)}, execution at ${req.revision}`;
  if (item.run !== req.run) return `invoice is at run ${String(item.run)}, execution at ${req.run}`;
  return undefined;
};

const alreadyDone = async (table: Table, req: ClaimRequest): Promise<ClaimResult> => {
  const out = await table.doc.send(
    new GetCommand({
      TableName: table.name,
      Key: keys.stageDone(req.tenantId, req.invoiceId, req.guardKey),
      ConsistentRead: true,
    }),
  );
  return {
    outcome: 'alreadyDone',
    ...(typeof out.Item?.at === 'string' ? { claimedAt: out.Item.at } : {}),
    eventIds: Array.isArray(out.Item?.eventIds) ? out.Item.eventIds.map(String) : [],
  };
};

const logKey = (e: ContactEvent) => keys.logEvent(e.tenantId, e.invoiceId, e.at, e.eventId);

/** The invoices a lease holds: the claimed one and its companions. */
const leasedInvoices = (lease: SendLease): string[] => [lease.invoiceId, ...lease.companions.map((c) => c.invoiceId)];

const invoiceUpdate = (table: Table, lease: SendLease, invoiceId: string, contactedAt: string | undefined, holderOnly: boolean): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: keys.invoice(lease.tenantId, invoiceId),
    UpdateExpression: holderOnly
      ? contactedAt
        ? 'SET lastContactAt = :at REMOVE sendingUntil'
        : 'REMOVE sendingUntil'
      : 'SET lastContactAt = :at',
    ConditionExpression: holderOnly ? leaseIsMine : itemExists,
    ExpressionAttributeValues: {
      ...(holderOnly ? { ':mine': lease.sendingUntil } : {}),
      ...(contactedAt ? { ':at': contactedAt } : {}),
    },
  },
});

const outcomeUpdate = (
  table: Table,
  e: ContactEvent,
  r: { outcome: string; messageId?: string; note?: Record<string, string> },
): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: logKey(e),
    UpdateExpression: `SET outcome = :o${r.messageId ? ', messageId = :m' : ''}${r.note ? ', details = :d' : ''}`,
    ConditionExpression: all(itemExists, entryIsPending),
    ExpressionAttributeValues: {
      ':o': r.outcome,
      ':pending': 'pending',
      ...(r.messageId ? { ':m': r.messageId } : {}),
      ...(r.note ? { ':d': { ...e.details, ...r.note } } : {}),
    },
  },
});

/**
 * After the sends: clears the lease (if still ours), sets lastContactAt when something left, and
 * completes each pending log entry. If the lease had expired and someone else wrote the invoice in
 * the meantime, the entries and lastContactAt are still written, without touching their lease.
 */
/** The customer's turn given back by its holder (dynamo-voice.ts release), as part of a transaction. */
const voiceRelease = (table: Table, voice: VoiceLease): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: keys.customerVoice(voice.tenantId, voice.customerId),
    UpdateExpression: 'REMOVE leaseUntil, holder',
    ConditionExpression: 'holder = :token',
    ExpressionAttributeValues: { ':token': voice.token },
  },
});

const completeSend = async (table: Table, lease: SendLease, results: SendResult[], voice?: VoiceLease): Promise<void> => {
  try {
    await completeWrites(table, lease, results, voice ? [voiceRelease(table, voice)] : []);
  } catch (err) {
    // The turn ran out and another holder has it: complete without touching it.
    if (voice && err instanceof VoiceTakenError) await completeWrites(table, lease, results, []);
    else throw err;
  }
};

class VoiceTakenError extends Error {}

const completeWrites = async (table: Table, lease: SendLease, results: SendResult[], extra: TransactItem[]): Promise<void> => {
  const byId = new Map([...lease.events, ...lease.companions.flatMap((c) => c.events)].map((e) => [e.eventId, e]));
  const sentAt = results.some((r) => r.outcome === 'sent') ? clock.now().toISOString() : undefined;
  const updates = results.map((r) => {
    const e = byId.get(r.eventId);
    if (!e) throw new Error(`completeSend: event ${r.eventId} is not part of this claim`);
    return outcomeUpdate(table, e, {
      outcome: r.outcome,
      ...(r.messageId ? { messageId: r.messageId } : {}),
      ...(r.error || r.note ? { note: { ...r.note, ...(r.error ? { error: r.error } : {}) } } : {}),
    });
  });
  const invoices = leasedInvoices(lease);
  try {
    await table.doc.send(
      new TransactWriteCommand({ TransactItems: [...invoices.map((id) => invoiceUpdate(table, lease, id, sentAt, true)), ...updates, ...extra] }),
    );
  } catch (err) {
    const all = cancellationCodes(err);
    if (!all) throw asTransient('completeSend', err);
    // The extra writes come last: when only they failed their condition, the caller decides.
    const codes = all.slice(0, all.length - extra.length);
    if (extra.length > 0 && all.slice(codes.length).includes('ConditionalCheckFailed') && codes.every((c) => c === 'None')) throw new VoiceTakenError();
    const onInvoices = codes.slice(0, invoices.length);
    if (!onInvoices.includes('ConditionalCheckFailed') || codes.slice(invoices.length).some((c) => c !== 'None')) {
      throw new TransientError(`completeSend ${lease.guardKey}: transaction cancelled (${codes.join(', ')})`);
    }
    // A lease expired and someone else wrote meanwhile: complete without touching their lease.
    const rest = [
      ...invoices.map((id, i) =>
        onInvoices[i] === 'ConditionalCheckFailed' ? (sentAt ? invoiceUpdate(table, lease, id, sentAt, false) : undefined) : invoiceUpdate(table, lease, id, sentAt, true),
      ),
      ...updates,
      // The turn is given back with them when it was still this holder's.
      ...(all.slice(codes.length).every((c) => c === 'None') ? extra : []),
    ].filter((x): x is TransactItem => x !== undefined);
    if (rest.length > 0) await table.doc.send(new TransactWriteCommand({ TransactItems: rest })).catch((e: unknown) => {
      throw asTransient('completeSend', e);
    });
  }
};

/**
 * Gives a claim back when nothing has left: deletes the guard items so a retry can claim again,
 * marks the pending entries 'skipped' with the reason, and frees the leases that are still ours.
 */
const releaseSend = async (table: Table, lease: SendLease, reason: string): Promise<void> => {
  const targets = [{ invoiceId: lease.invoiceId, guardKey: lease.guardKey, events: lease.events }, ...lease.companions];
  const items: TransactItem[] = targets.flatMap((t) => [
    { Delete: { TableName: table.name, Key: keys.stageDone(lease.tenantId, t.invoiceId, t.guardKey) } },
    ...t.events.filter((e) => e.outcome === 'pending').map((e) => outcomeUpdate(table, e, { outcome: 'skipped', note: { reason } })),
  ]);
  try {
    await table.doc.send(
      new TransactWriteCommand({ TransactItems: [...leasedInvoices(lease).map((id) => invoiceUpdate(table, lease, id, undefined, true)), ...items] }),
    );
  } catch (err) {
    if (!cancellationCodes(err)) throw asTransient('releaseSend', err);
    await table.doc.send(new TransactWriteCommand({ TransactItems: items })).catch((e: unknown) => {
      throw asTransient('releaseSend', e);
    });
  }
  if (lease.contactsAdded) await forgetContacts(table, lease.tenantId, lease.contactsAdded);
};

/**
 * Takes a given-back claim's contacts off the customer's record, so that the retry (or another
 * invoice's reminder) is not held back by a message that never left. Optimistic like the claim's
 * own write: re-read and try again when another send changed the record meanwhile.
 */
const forgetContacts = async (table: Table, tenantId: string, { customerId, added }: ContactsAdded): Promise<void> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.customer(tenantId, customerId), ConsistentRead: true }));
    if (!Item) return;
    const recent = recentContactsOf(Item);
    let removed = 0;
    for (const a of added) {
      const i = recent.findIndex((r) => r.at === a.at && r.channel === a.channel);
      if (i >= 0) {
        recent.splice(i, 1);
        removed++;
      }
    }
    if (removed === 0) return;
    const version = typeof Item.contactsVersion === 'number' ? Item.contactsVersion : 0;
    try {
      await table.doc.send(new TransactWriteCommand({ TransactItems: [contactRecordUpdate(table, tenantId, customerId, version, recent)] }));
      return;
    } catch (err) {
      if (!cancellationCodes(err)) throw asTransient('releaseSend', err);
    }
  }
  throw new TransientError(`releaseSend: the contact record of ${customerId} kept changing`);
};

/** The contacts recorded on a customer item (Customer.recentContacts). */
const recentContactsOf = (item: Record<string, unknown>): { at: string; channel: string; kind?: string }[] =>
  Array.isArray(item.recentContacts)
    ? item.recentContacts.flatMap((r: unknown) =>
        r && typeof r === 'object' && 'at' in r && 'channel' in r && typeof r.at === 'string' && typeof r.channel === 'string'
          ? [{ at: r.at, channel: r.channel, ...('kind' in r && typeof r.kind === 'string' ? { kind: r.kind } : {}) }]
          : [],
      )
    : [];

/** The send guard over the table: claim, complete, release (the protocol above). */
export class DynamoSendGuard implements SendGuard {
  constructor(private readonly table: Table) {}

  claimSend(req: ClaimRequest): Promise<ClaimResult> {
    return claimSend(this.table, req);
  }

  completeSend(lease: SendLease, results: SendResult[], voice?: VoiceLease): Promise<void> {
    return completeSend(this.table, lease, results, voice);
  }

  releaseSend(lease: SendLease, reason: string): Promise<void> {
    return releaseSend(this.table, lease, reason);
  }
}

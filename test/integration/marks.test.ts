/**
 * The marks a reminder reads instead of tasks, credits and wording (adapters/dynamo/marks.ts), on
 * DynamoDB Local through the production adapters: kept by the writers, never below the truth for
 * the bank credits, and written again by the rebuild for data older than them.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { readCustomerMarks, readTenantMarks } from '../../lambdas/adapters/dynamo/marks.js';
import { rebuildMarks } from '../../lambdas/adapters/dynamo/marks-rebuild.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import type { BankCreditRecord } from '../../lambdas/domain/bank/credit-records.js';
import type { FinanceTask } from '../../lambdas/domain/commands/tasks.js';

await useLocalTable();
const table = tableFromEnv();
const store = dynamoRepositories(table);

let n = 0;
const tenant = () => `marks-${++n}`;

const planRequest = (tenantId: string, customerId: string, invoiceId: string): FinanceTask => ({
  tenantId,
  taskId: `planRequest#${invoiceId}#n1`,
  kind: 'planRequest',
  status: 'open',
  customerId,
  invoiceId,
  createdAt: '2026-03-01T10:00:00Z',
  createdBy: 'customer',
  plan: { instalments: 3 },
});

const bankCredit = (tenantId: string, id: string, status: BankCreditRecord['status']): BankCreditRecord => ({
  tenantId,
  creditId: id,
  dedupKey: `IT60X0542811101000000123456#${id}`,
  account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
  amount: 12_000,
  currency: 'EUR',
  bookingDate: '2026-03-02',
  debtor: { name: 'ROSSI SRL' },
  source: { key: 'bank/march.xml', format: 'camt.053', entryIndex: 1 },
  status,
  reasons: [],
  suggestions: [],
  applied: [],
  receivedAt: '2026-03-02T10:00:00Z',
  decidedAt: '2026-03-02T10:00:01Z',
  decidedBy: 'matcher',
});

describe('answer tasks on their customer', () => {
  it('an open plan request holds the invoice’s reminders until the finance team completes it', async () => {
    const t = tenant();
    const task = planRequest(t, 'C-1', 'INV-1');
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual([]);
    expect(await store.tasks.open(task)).toBe(true);
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual(['planRequest']);
    // Another invoice of the same customer is not held by it.
    expect(await store.tasks.answersWaiting(t, 'INV-2', 'C-1')).toEqual([]);
    expect(await store.tasks.complete(t, task.taskId, 'finance@x', '2026-03-02T09:00:00Z')).toBe(true);
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual([]);
    expect((await readCustomerMarks(table, t, 'C-1')).answersWaiting).toEqual([]);
    expect(await store.tasks.complete(t, task.taskId, 'finance@x', '2026-03-02T09:00:00Z')).toBe(false);
  });

  it('a mark whose task is gone costs a read, not a hold: the tasks themselves decide', async () => {
    const t = tenant();
    const task = planRequest(t, 'C-1', 'INV-1');
    await store.tasks.open(task);
    await table.doc.send(new DeleteCommand({ TableName: table.name, Key: keys.task(t, task.taskId) }));
    expect((await readCustomerMarks(table, t, 'C-1')).answersWaiting).toEqual([task.taskId]);
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual([]);
  });
});

describe('the company’s count of unconfirmed bank credits', () => {
  it('counts suggested and unmatched credits once each, repeated entries not at all, and drops those decided', async () => {
    const t = tenant();
    expect(await store.bankCredits.mayHaveUnconfirmed(t)).toBe(false);
    await store.bankCredits.addNew([bankCredit(t, 'A', 'unmatched'), bankCredit(t, 'B', 'suggested'), bankCredit(t, 'C', 'matched')]);
    await store.bankCredits.addNew([bankCredit(t, 'A', 'unmatched')]);
    expect((await readTenantMarks(table, t)).unconfirmedCredits).toBe(2);
    // suggested -> unmatched stays counted; a decision whose condition fails changes nothing.
    expect(await store.bankCredits.decide(t, 'B', ['suggested'], { status: 'unmatched', reasons: ['x'], decidedAt: '2026-03-03T09:00:00Z', decidedBy: 'finance', suggestions: [], applied: [] })).toBe(true);
    expect(await store.bankCredits.decide(t, 'B', ['suggested'], { status: 'unmatched', reasons: ['x'], decidedAt: '2026-03-03T09:00:00Z', decidedBy: 'finance', suggestions: [], applied: [] })).toBe(false);
    expect((await readTenantMarks(table, t)).unconfirmedCredits).toBe(2);
    for (const id of ['A', 'B']) await store.bankCredits.decide(t, id, ['unmatched'], { status: 'rejected', reasons: ['not a payment'], decidedAt: '2026-03-03T09:00:00Z', decidedBy: 'finance', suggestions: [], applied: [] });
    expect((await readTenantMarks(table, t)).unconfirmedCredits).toBe(0);
    expect(await store.bankCredits.mayHaveUnconfirmed(t)).toBe(false);
    // A matched credit sent back for review counts again.
    await store.bankCredits.decide(t, 'C', ['matched'], { status: 'unmatched', reasons: ['undone'], decidedAt: '2026-03-04T09:00:00Z', decidedBy: 'finance', suggestions: [], applied: [] });
    expect(await store.bankCredits.mayHaveUnconfirmed(t)).toBe(true);
  });
});

describe('customer credits and wording', () => {
  it('a customer’s credits are read for a message only while one is open', async () => {
    const t = tenant();
    const credit = { tenantId: t, customerId: 'C-1', creditId: 'K1', amount: 5_000, currency: 'EUR', at: '2026-03-01T10:00:00Z' };
    expect(await store.bankCredits.openCustomerCredits(t, 'C-1')).toEqual([]);
    expect(await store.bankCredits.recordCustomerCredit(credit)).toBe(true);
    expect((await store.bankCredits.openCustomerCredits(t, 'C-1')).map((c) => c.creditId)).toEqual(['K1']);
    const before = (await store.bankCredits.getCustomerCredit(t, 'C-1', 'K1'))!;
    const entry = { eventId: 'e1', tenantId: t, invoiceId: '', at: '2026-03-02T10:00:00Z', type: 'note' as const, channel: 'system' as const, actor: 'finance', outcome: 'recorded' as const };
    expect(await store.bankCredits.changeCustomerCredit(before, { ...before, remaining: 0, status: 'used' }, entry)).toBe(true);
    expect((await readCustomerMarks(table, t, 'C-1')).openCredits).toEqual([]);
    expect(await store.bankCredits.openCustomerCredits(t, 'C-1')).toEqual([]);
    // Still listed for the finance team.
    expect(await store.bankCredits.customerCredits(t, 'C-1')).toHaveLength(1);
  });

  it('a message reads the company’s wording as of its latest change, also on an instance that read it before', async () => {
    const t = tenant();
    const words = (subject: string) => ({ kind: 'dueDate' as const, tone: 'gentle' as const, language: 'it' as const, subject, body: ['Gentile {{customerName}}'], updatedAt: '2026-03-01T10:00:00Z', updatedBy: 'finance' });
    expect(await store.wording.current(t)).toEqual([]);
    await store.wording.put(t, [words('Prima')]);
    expect((await store.wording.current(t)).map((w) => w.subject)).toEqual(['Prima']);
    await store.wording.put(t, [words('Seconda')]);
    expect((await store.wording.current(t)).map((w) => w.subject)).toEqual(['Seconda']);
    expect(await store.wording.delete(t, words('x'))).toBe(true);
    expect(await store.wording.current(t)).toEqual([]);
    expect(await store.wording.delete(t, words('x'))).toBe(false);
  });
});

describe('npm run marks:rebuild', () => {
  it('writes the marks again for data that has none, and only adds', async () => {
    const t = tenant();
    await store.tasks.open(planRequest(t, 'C-1', 'INV-1'));
    await store.bankCredits.recordCustomerCredit({ tenantId: t, customerId: 'C-2', creditId: 'K1', amount: 5_000, currency: 'EUR', at: '2026-03-01T10:00:00Z' });
    await store.bankCredits.addNew([bankCredit(t, 'A', 'unmatched')]);
    await store.wording.put(t, [{ kind: 'dueDate', tone: 'gentle', language: 'it', subject: 'S', body: ['B'], updatedAt: '2026-03-01T10:00:00Z', updatedBy: 'finance' }]);
    // As if written before the marks existed.
    for (const key of [keys.customerMarks(t, 'C-1'), keys.customerMarks(t, 'C-2'), keys.tenantMarks(t)]) await table.doc.send(new DeleteCommand({ TableName: table.name, Key: key }));
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual([]);

    expect(await rebuildMarks(table, t)).toEqual({ answersMarked: 1, creditsMarked: 1, unconfirmedCredits: 1, unconfirmedRaisedBy: 1, wordingVersionRaised: true });
    expect(await store.tasks.answersWaiting(t, 'INV-1', 'C-1')).toEqual(['planRequest']);
    expect(await store.bankCredits.openCustomerCredits(t, 'C-2')).toHaveLength(1);
    expect(await store.bankCredits.mayHaveUnconfirmed(t)).toBe(true);
    expect(await store.wording.current(t)).toHaveLength(1);
    // Run again: nothing more to add.
    expect(await rebuildMarks(table, t)).toMatchObject({ unconfirmedRaisedBy: 0, wordingVersionRaised: false });
    expect((await readTenantMarks(table, t)).unconfirmedCredits).toBe(1);
  });
});

/**
 * The marks (marks.ts) written for data older than them (`npm run marks:rebuild`): safe while the
 * product runs, because it only adds. A mark too full costs a read; one too empty would skip it:
 * - every open answer task's id onto its customer's `answersWaiting`;
 * - every open customer credit's id onto its customer's `openCredits`;
 * - the company's `unconfirmedCredits` raised to the suggested and unmatched credits counted now
 *   (never lowered: a writer may have counted a credit it has not written yet);
 * - the company's `wordingVersion` raised once if it has wording and no version.
 */
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isAnswerTask } from '../../domain/commands/tasks.js';
import { creditLeft, creditStatus } from '../../domain/commands/customer-credit.js';
import { UNCONFIRMED_CREDIT_STATUSES } from '../../domain/timeline/stage-holds.js';
import type { Table } from './client.js';
import { itemToCustomerCredit } from './bank-credit-items.js';
import { itemToTask } from './items.js';
import { customerMarkChange, moveUnconfirmedCredits, readTenantMarks, wordingVersionRaise } from './marks.js';
import type { Item } from './query.js';

export interface MarksRebuilt {
  answersMarked: number;
  creditsMarked: number;
  unconfirmedCredits: number;
  unconfirmedRaisedBy: number;
  wordingVersionRaised: boolean;
}

const tenantItems = async function* (table: Table, tenantId: string): AsyncGenerator<Item> {
  const pages = paginateScan(
    { client: table.doc },
    { TableName: table.name, ConsistentRead: true, FilterExpression: 'begins_with(pk, :t)', ExpressionAttributeValues: { ':t': `T#${tenantId}#` } },
  );
  for await (const page of pages) yield* page.Items ?? [];
};

export const rebuildMarks = async (table: Table, tenantId: string): Promise<MarksRebuilt> => {
  const marks: ReturnType<typeof customerMarkChange>[] = [];
  let answersMarked = 0;
  let creditsMarked = 0;
  let unconfirmed = 0;
  let hasWording = false;
  for await (const item of tenantItems(table, tenantId)) {
    if (item.entity === 'task' && isAnswerTask(String(item.taskId)) && item.status === 'open') {
      const t = itemToTask(item);
      marks.push(customerMarkChange(table, tenantId, t.customerId, 'answersWaiting', t.taskId, true));
      answersMarked++;
    } else if (item.entity === 'customerCredit') {
      const c = itemToCustomerCredit(item);
      if (creditStatus(c) !== 'open' || creditLeft(c) <= 0) continue;
      marks.push(customerMarkChange(table, tenantId, c.customerId, 'openCredits', c.creditId, true));
      creditsMarked++;
    } else if (item.entity === 'bankCredit' && (UNCONFIRMED_CREDIT_STATUSES as readonly unknown[]).includes(item.status)) unconfirmed++;
    else if (item.entity === 'wording') hasWording = true;
  }
  for (const m of marks) await table.doc.send(new UpdateCommand(m.Update!));
  const now = await readTenantMarks(table, tenantId);
  const raiseBy = Math.max(0, unconfirmed - now.unconfirmedCredits);
  await moveUnconfirmedCredits(table, tenantId, raiseBy);
  const wordingVersionRaised = hasWording && now.wordingVersion === 0;
  if (wordingVersionRaised) await table.doc.send(new UpdateCommand(wordingVersionRaise(table, tenantId).Update!));
  return { answersMarked, creditsMarked, unconfirmedCredits: unconfirmed, unconfirmedRaisedBy: raiseBy, wordingVersionRaised };
};

/**
 * Sales notes (how to approach a customer): items of their own in the customer's partition, the
 * customer item keeping only their ids, at most LIMITS.salesNotes of them, so it cannot grow
 * towards DynamoDB's 400 KB item limit however many notes people write (issue 20, item 3). A note's
 * id is the hash of its text: the same note added twice, or a directory file uploaded again, is
 * one note. Pure.
 */
import { createHash } from 'node:crypto';
import { LIMITS, type Customer, type SalesNote } from '../model.js';

export const salesNoteId = (text: string): string => createHash('sha256').update(text.trim()).digest('base64url').slice(0, 22);

export type NewSalesNotes =
  | { outcome: 'added'; customer: Customer; notes: SalesNote[] }
  | { outcome: 'unchanged' }
  | { outcome: 'full'; kept: number };

/** The customer with the notes it does not hold yet; 'full' when they would take it past LIMITS.salesNotes. */
export const withSalesNotes = (c: Customer, texts: readonly string[], by: string, now: Date): NewSalesNotes => {
  const fresh = new Map<string, string>();
  for (const raw of texts) {
    const text = raw.trim();
    const id = salesNoteId(text);
    if (text !== '' && !c.salesNoteIds.includes(id)) fresh.set(id, text);
  }
  if (fresh.size === 0) return { outcome: 'unchanged' };
  if (c.salesNoteIds.length + fresh.size > LIMITS.salesNotes) return { outcome: 'full', kept: c.salesNoteIds.length };
  // A millisecond apart: notes written together read back in the order given.
  const notes = [...fresh].map(([noteId, text], i): SalesNote => ({ tenantId: c.tenantId, customerId: c.customerId, noteId, at: new Date(now.getTime() + i).toISOString(), by, text }));
  return { outcome: 'added', customer: { ...c, salesNoteIds: [...c.salesNoteIds, ...fresh.keys()] }, notes };
};

/** The notes in the order they were written. */
export const inWrittenOrder = (notes: readonly SalesNote[]): SalesNote[] => [...notes].sort((a, b) => a.at.localeCompare(b.at) || a.noteId.localeCompare(b.noteId));

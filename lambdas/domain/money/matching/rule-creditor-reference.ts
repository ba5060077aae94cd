/**
 * Rule creditorReference: an ISO 11649 reference with valid check digits, in the structured
 * reference or typed into the remittance, that is an open invoice's payment reference. A
 * reference with wrong check digits is never used as one (it was mistyped: which character is
 * wrong nobody knows); if its body is an invoice's, that invoice is suggested.
 */
import { isValidCreditorReference, normaliseCreditorReference } from '../creditor-reference.js';
import { labels, type CreditContext, type Matched } from './context.js';
import { referenceBody, type IndexedInvoice } from './open-invoices.js';
import { settleNamed } from './settle-named.js';

const RF_START = /^RF\d{2}[0-9A-Z]*$/;
const MAX_RF_LENGTH = 25;

/**
 * RF references typed into free text, often in groups of four ("RF18 5390 0754 7034"): each
 * token that starts like one is joined with the tokens after it, and every join with valid check
 * digits is kept (a valid join still has to be an invoice's reference to count).
 */
export const creditorReferencesInText = (text: string): string[] => {
  const tokens = text.toUpperCase().split(/[^0-9A-Z]+/).filter((t) => t !== '');
  const found = new Set<string>();
  tokens.forEach((token, i) => {
    if (!RF_START.test(token)) return;
    let joined = '';
    for (let j = i; j < tokens.length && joined.length + tokens[j]!.length <= MAX_RF_LENGTH; j++) {
      joined += tokens[j]!;
      if (isValidCreditorReference(joined)) found.add(joined);
    }
  });
  return [...found].sort();
};

export const matchByCreditorReference = (ctx: CreditContext): Matched | undefined => {
  const { credit, lookup } = ctx;
  const valid = new Map<string, string>();
  const structured = credit.structuredReference?.ref;
  if (structured !== undefined) {
    const ref = normaliseCreditorReference(structured);
    if (RF_START.test(ref) && isValidCreditorReference(ref)) valid.set(ref, 'the structured reference');
    else if (RF_START.test(ref)) {
      ctx.reasons.push(`${ref} has wrong ISO 11649 check digits (mod 97): mistyped, so not used as a payment reference`);
      const meant = referenceBody(ref) ? lookup.byReferenceBody(referenceBody(ref)!) : [];
      if (meant.length > 0) {
        ctx.hints.push({ invoices: meant, weight: 0.8, reason: `${ref} has wrong check digits but otherwise is the payment reference of ${labels(meant)}` });
      }
    } else {
      const same = lookup.byReference(ref);
      if (same.length > 0) {
        ctx.reasons.push(`${structured} is the payment reference of ${labels(same)} but not an ISO 11649 reference (no check digits): to confirm`);
        ctx.hints.push({ invoices: same, weight: 0.85, reason: `${structured} is the payment reference of ${labels(same)} (not an ISO 11649 reference)` });
      }
    }
  }
  for (const text of [credit.remittance, credit.additionalInfo]) {
    if (text) for (const ref of creditorReferencesInText(text)) if (!valid.has(ref)) valid.set(ref, 'the remittance text');
  }
  if (valid.size === 0) return undefined;

  const named: IndexedInvoice[] = [];
  const because: string[] = [];
  let tie = false;
  for (const [ref, where] of [...valid].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const invoices = lookup.byReference(ref);
    if (invoices.length === 0) ctx.reasons.push(`${ref} (in ${where}) is no open invoice's payment reference`);
    else if (invoices.length > 1) {
      tie = true;
      ctx.reasons.push(`${ref} is the payment reference of ${labels(invoices)}: a tie, not applied automatically`);
      ctx.hints.push({ invoices, weight: 0.85, reason: `${ref} is the payment reference of ${labels(invoices)}` });
    } else {
      named.push(invoices[0]!);
      because.push(`${ref} is the payment reference of ${labels(invoices)}`);
    }
  }
  if (named.length === 0) return undefined;
  if (tie) {
    ctx.hints.push({ invoices: named, weight: 0.85, reason: because.join('; ') });
    return undefined;
  }
  return settleNamed(ctx, named, { rule: 'creditorReference', because: because.join('; '), singleTakesAnyAmount: true, hintWeight: 0.9 });
};

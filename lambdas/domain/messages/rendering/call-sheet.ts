/**
 * The talking points of a reminder call, for the finance team in its own language
 * (input.language is the tenant's): the situation, why the customer should pay (work delivered
 * as agreed, generous terms, their own promise), what to ask, how hard to push, and the sales
 * notes on how to approach this customer.
 */
import type { CallSheet, RenderInput } from './types.js';
import { buildContext } from './context.js';
import { entry, fill } from './strings.js';

export const renderCallSheet = (input: RenderInput): CallSheet => {
  const ctx = buildContext(input);
  const { strings, vars, lines, many } = ctx;
  const S = strings.callSheet;
  const P = S.points;
  const contact = input.customer.billingContact;
  const undisputed = lines.every((l) => !l.invoice.dispute);
  const claimed = lines.some((l) => (l.interest ?? 0) > 0 || (l.compensation ?? 0) > 0);

  const points = [
    fill(P.contact, { contactName: contact?.name ?? input.customer.name, contactRole: contact?.role }),
    ...(input.customer.preserveRelationship ? [P.preserve] : []),
    ...(undisputed ? [fill(P.delivered, vars)] : []),
    ...(many ? [] : [fill(P.generousTerms, vars)]),
    ...(vars.promiseDate ? [fill(P.promise, vars)] : []),
    ...(claimed ? [fill(P.claim, vars)] : []),
    P.askReason,
    P.askDate,
    fill(entry<string>(strings, ['callSheet', 'approach', input.tone]), vars),
    ...input.customer.salesNotes.filter((n) => n.trim() !== '').map((note) => fill(P.salesNote, { note })),
  ];
  return {
    summary: fill(many ? S.summary.many : S.summary.one, vars),
    talkingPoints: points.map((p) => p.trim()).filter((p) => p !== ''),
  };
};

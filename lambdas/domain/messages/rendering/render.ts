/**
 * Customer messages: subject, HTML and plain-text e-mail, and SMS, from templates/<lang>.json
 * (words per kind and tone) and templates/layout.json (the shared layout). Pure: `now` comes in.
 *
 * One line renders as a letter about one invoice with its details block; several lines render
 * as a statement (overdue first, then coming due) with totals per currency. Every value reaches
 * the HTML through the layout's escaped {{ }}; the subject is stripped of control characters.
 */
import { friendlyFormatIBAN, electronicFormatIBAN } from 'ibantools';
import { STAGE_IDS, MESSAGE_KINDS } from '../../timeline/stages.js';
import { formatDate, formatMoney } from '../../shared/format.js';
import { localDay } from '../../shared/days.js';
import type { CreditInFavour, CustomerLinks, MessageLine, RenderInput, RenderedMessage } from './types.js';
import { buildContext, claimOf, sum, type MessageContext } from './context.js';
import { composeSms } from './sms.js';
import { paymentQrFor } from '../payment-qr.js';
import { SHORT_LINK_MAX_LENGTH } from '../short-links.js';
import { mergeWording, overrideFor } from '../wording.js';
import { cleanSubject, entry, fill, messageLayout, renderHtml, renderText, safeUrl, templateLanguage, type Vars } from './strings.js';

export { renderCallSheet } from './call-sheet.js';
export { renderNotice, type NoticeKind, type NoticeFacts, type RenderedNotice } from './notice.js';

type Kind = RenderInput['kind'];

/** Every kind that writes to the customer: the timeline's stages but the phone call, and the one-off messages. */
export const CUSTOMER_MESSAGE_KINDS: readonly Kind[] = [...STAGE_IDS.filter((s) => s !== 'phoneCall'), ...MESSAGE_KINDS];

/** Kinds that may cover several invoices at once (a statement); one-off messages answer one invoice's event. */
/** The kinds a statement of several invoices exists for. */
export const STATEMENT_KINDS: ReadonlySet<Kind> = new Set<Kind>([...STAGE_IDS.filter((s) => s !== 'phoneCall'), 'brokenPromise', 'instalmentMissed', 'instalmentDue', 'furtherReminder', 'thankYou']);

/** Kinds whose wording cites a promised date. */
const NEEDS_PROMISE: ReadonlySet<Kind> = new Set<Kind>(['brokenPromise', 'instalmentMissed', 'instalmentDue']);

/** The answer links in the order the layout shows them; `view` goes with the invoice details. */
const ANSWER_LINKS = ['paid', 'promise', 'dispute', 'plan', 'contact'] as const;
/**
 * What a statement line answers for its own invoice, with its own signed links: paid, a promise,
 * a problem, a plan are about one invoice. Who to contact is about the customer: it stays in the
 * message's answer block, with the lead invoice's link.
 */
const LINE_ANSWER_LINKS = ['paid', 'promise', 'dispute', 'plan'] as const;

interface Variant {
  subject: string;
  body: string[];
  sms: string;
}

interface Row {
  label: string;
  value: string;
  strong?: boolean;
}

const fillAll = (templates: readonly string[], vars: Vars): string[] => templates.map((t) => fill(t, vars).trim()).filter((p) => p !== '');

const formatIban = (iban: string): string => friendlyFormatIBAN(electronicFormatIBAN(iban) ?? iban) ?? iban;

const present = (...values: (string | undefined)[]): string[] => values.filter((v): v is string => Boolean(v && v.trim()));

/** The links of the first line that has any: the message-wide ones (contact, the pixel, the SMS short link) and a single invoice's answers. */
const answerLinks = (lines: readonly MessageLine[]): CustomerLinks => lines.find((l) => l.links && Object.keys(l.links).length > 0)?.links ?? {};

/** A statement line's own answer links (signed for its invoice), labelled for a screen reader with its number. */
const lineAnswers = (ctx: MessageContext, l: MessageLine) => {
  const L = ctx.strings.labels;
  const links = LINE_ANSWER_LINKS.flatMap((k) => {
    const url = safeUrl(l.links?.[k]);
    return url ? [{ label: L.links[k], url, aria: `${L.links[k]}: ${L.invoiceNumber} ${l.invoice.number}` }] : [];
  });
  return links.length > 0 ? { links: links.map((x, i) => ({ ...x, sep: i > 0 })) } : false;
};

const detailsBlock = (ctx: MessageContext, links: CustomerLinks) => {
  const { strings, locale, lead } = ctx;
  const L = strings.labels;
  const inv = lead.invoice;
  const money = (m: number) => formatMoney(m, inv.currency, locale);
  const rows: Row[] = [
    { label: L.invoiceNumber, value: inv.number },
    { label: L.issueDate, value: formatDate(inv.issueDate, locale) },
    { label: L.dueDate, value: formatDate(inv.dueDate, locale) },
  ];
  if (inv.instalment) rows.push({ label: fill(L.instalment, { index: inv.instalment.index, count: inv.instalment.count }), value: money(inv.amount) });
  else if (inv.amountPaid > 0) rows.push({ label: L.invoiceAmount, value: money(inv.amount) });
  if (inv.amountPaid > 0) rows.push({ label: L.amountPaid, value: money(inv.amountPaid) });
  rows.push({ label: L.amountDue, value: money(lead.amountDue), strong: true });
  if (lead.daysLate > 0) rows.push({ label: L.daysLate, value: String(lead.daysLate) });
  // What the SdI said (domain/sdi/receipts.ts): the delivery that proves receipt; where an undelivered one waits, in the first message.
  if (inv.sdi?.delivered) rows.push({ label: L.sdiDelivered, value: formatDate(inv.sdi.delivered.at.slice(0, 10), locale) });
  else if (inv.sdi?.fiscalDrawer && !inv.lastContactAt) rows.push({ label: L.fiscalDrawer, value: fill(L.fiscalDrawerText, { date: formatDate(inv.sdi.fiscalDrawer.at.slice(0, 10), locale) }) });
  const claimed = (lead.interest ?? 0) > 0 || (lead.compensation ?? 0) > 0;
  if ((lead.interest ?? 0) > 0) rows.push({ label: fill(L.interest, ctx.vars), value: money(lead.interest!) });
  if ((lead.compensation ?? 0) > 0) rows.push({ label: L.compensation, value: money(lead.compensation!) });
  if (claimed) rows.push({ label: L.totalClaim, value: money(claimOf(lead)), strong: true });
  const viewUrl = safeUrl(links.view);
  return { title: L.invoiceDetails, rows, ...(viewUrl ? { viewUrl, viewLabel: L.links.view } : {}) };
};

const statementBlock = (ctx: MessageContext, kind: Kind) => {
  const { strings, locale } = ctx;
  const L = strings.labels;
  const row = (l: MessageLine) => {
    const money = (m: number) => formatMoney(m, l.invoice.currency, locale);
    // Each invoice's own claim, where the message states one: the totals below add them up per currency.
    const claim = [
      ...((l.interest ?? 0) > 0 ? [`${fill(L.interest, ctx.vars)}: ${money(l.interest!)}`] : []),
      ...((l.compensation ?? 0) > 0 ? [`${L.compensation}: ${money(l.compensation!)}`] : []),
    ];
    return {
      number: l.invoice.number,
      viewUrl: safeUrl(l.links?.view),
      issueDate: formatDate(l.invoice.issueDate, locale, 'short'),
      dueDate: formatDate(l.invoice.dueDate, locale, 'short'),
      amountDue: money(l.kind === 'thankYou' ? l.invoice.amountPaid : l.amountDue),
      daysLate: l.daysLate > 0 && l.kind !== 'thankYou' ? String(l.daysLate) : '',
      claim: claim.length > 0 ? `${claim.join('; ')}; ${L.totalClaim}: ${money(claimOf(l))}` : false,
      // A paid invoice thanked in passing has nothing to answer.
      answers: l.kind === 'thankYou' ? false : lineAnswers(ctx, l),
    };
  };
  // Paid invoices thanked in passing are listed apart and count in no total.
  const thanks = ctx.lines.filter((l) => l.kind === 'thankYou');
  const lines = ctx.owed;
  // A hand-off lists what goes to the agency first, then what stays with us.
  const handedOver = kind === 'escalation' ? lines.filter((l) => l.kind === 'escalation') : [];
  const rest = lines.filter((l) => !handedOver.includes(l));
  // Overdue means past the due date; everything else (pre-due reminders, due today) is coming due.
  const overdue = rest.filter((l) => l.daysLate > 0);
  const coming = rest.filter((l) => l.daysLate <= 0);
  const sections = [
    ...(handedOver.length ? [{ heading: L.handedOver, rows: handedOver.map(row) }] : []),
    ...(overdue.length ? [{ heading: handedOver.length ? L.stillOpen : L.overdue, rows: overdue.map(row) }] : []),
    ...(coming.length ? [{ heading: L.comingDue, rows: coming.map(row) }] : []),
    ...(thanks.length ? [{ heading: L.thanks, rows: thanks.map(row) }] : []),
  ];
  const totals: Row[] = [];
  const interest = new Map(sum(lines, (l) => l.interest).map((t) => [t.currency, t.amount]));
  const compensation = new Map(sum(lines, (l) => l.compensation).map((t) => [t.currency, t.amount]));
  const claim = new Map(sum(lines, claimOf).map((t) => [t.currency, t.amount]));
  for (const { currency, amount } of sum(lines, (l) => l.amountDue)) {
    const money = (m: number) => formatMoney(m, currency, locale);
    totals.push({ label: fill(L.totalIn, { currency }), value: money(amount), strong: true });
    const i = interest.get(currency) ?? 0;
    const c = compensation.get(currency) ?? 0;
    if (i > 0) totals.push({ label: fill(L.interest, ctx.vars), value: money(i) });
    if (c > 0) totals.push({ label: L.compensation, value: money(c) });
    if (i > 0 || c > 0) totals.push({ label: L.totalClaim, value: money(claim.get(currency)!), strong: true });
  }
  return {
    title: L.statement,
    columns: { number: L.invoiceNumber, issueDate: L.issueDate, dueDate: L.dueDate, amountDue: L.amountDue, daysLate: L.daysLate },
    sections,
    totalsTitle: L.totals,
    totals,
  };
};

/** The customer's credits, each with where it came from; kept apart from what is due. */
const creditBlock = (ctx: MessageContext, input: RenderInput) => {
  const credits = (input.credits ?? []).filter((c) => c.amount > 0);
  if (credits.length === 0) return false;
  const C = ctx.strings.labels.credit;
  const day = (c: CreditInFavour) => formatDate(localDay(new Date(c.at), input.customer.timeZone), ctx.locale);
  const rows: Row[] = credits.map((c) => ({
    label: c.creditNote ? fill(C.creditNote, { number: c.creditNote, date: day(c) }) : fill(C.overpayment, { date: day(c) }),
    value: formatMoney(c.amount, c.currency, ctx.locale),
  }));
  return { title: C.title, rows, hint: C.hint };
};

/** How to pay, in words; with the EPC QR code (the same data) when the e-mail can show its image. */
const payBlock = (ctx: MessageContext, input: RenderInput, qr: string | undefined) => {
  const L = ctx.strings.labels;
  const refs = [...new Set(ctx.owed.map((l) => l.invoice.paymentReference ?? l.invoice.number))];
  const rows: Row[] = [
    { label: L.beneficiary, value: input.tenant.name },
    { label: L.iban, value: formatIban(input.tenant.iban) },
    ...(input.tenant.bic ? [{ label: L.bic, value: input.tenant.bic }] : []),
    { label: L.paymentReference, value: refs.join(', ') },
  ];
  const image = qr && input.paymentQrSrc ? { src: input.paymentQrSrc, alt: L.qrAlt, caption: L.qrCaption } : false;
  return { title: L.howToPay, rows, hint: L.referenceHint, qr: image };
};

const contactsBlock = (ctx: MessageContext, input: RenderInput) => {
  const C = ctx.strings.labels.contacts;
  const { tenant, customer } = input;
  const vat = (v: string | undefined) => (v ? fill(C.vat, { vatId: v }) : undefined);
  const contact = customer.billingContact;
  const blocks = [
    { label: C.supplier, lines: present(tenant.name, tenant.address, tenant.email, tenant.phone, vat(tenant.vatId)) },
    { label: C.customer, lines: present(customer.name, vat(customer.vatId)) },
    ...(contact ? [{ label: C.billingContact, lines: present(contact.name, contact.role, contact.email, contact.phone) }] : []),
  ].map((b) => ({ ...b, joined: b.lines.join(', ') }));
  return { title: C.title, blocks, questions: fill(C.questions, ctx.vars) };
};

const variantFor = (ctx: MessageContext, input: RenderInput): Variant => {
  const { kind, tone } = input;
  // The company's own words for this kind, tone and language, over the built-in ones.
  const v = mergeWording(entry<Variant>(ctx.strings, ['messages', kind, tone]), overrideFor(input.overrides, kind, tone, templateLanguage(input.language)));
  if (!ctx.many) return v;
  // A statement replaces the single-invoice subject, opening paragraph and SMS.
  const s = entry<{ subject: string; intro: string; sms: string }>(ctx.strings, ['statement', kind]);
  return { subject: s.subject, body: [s.intro, ...v.body.slice(1)], sms: s.sms };
};

export const renderMessage = (input: RenderInput): RenderedMessage => {
  if (!CUSTOMER_MESSAGE_KINDS.includes(input.kind)) throw new RangeError(`renderMessage: ${input.kind} has no customer message (use renderCallSheet)`);
  if (input.lines.length > 1 && !STATEMENT_KINDS.has(input.kind)) {
    throw new RangeError(`renderMessage: ${input.kind} is about one invoice (got ${input.lines.length} lines)`);
  }
  const ctx = buildContext(input);
  if (NEEDS_PROMISE.has(input.kind) && !ctx.vars.promiseDate) {
    throw new RangeError(`renderMessage: ${input.kind} needs facts.promiseDate (or the invoice's promise)`);
  }
  if (input.kind === 'instalmentDue' && !ctx.many && ctx.vars.instalmentNumber === undefined) {
    throw new RangeError('renderMessage: instalmentDue announces an instalment of the invoice\'s plan: facts.promiseDate must be one of its dates');
  }
  const { strings, vars } = ctx;
  const L = strings.labels;
  const variant = variantFor(ctx, input);
  const subject = cleanSubject(fill(variant.subject, vars));
  // A thank-you riding along with a reminder of other invoices says so, never contradicting it.
  const thanked = input.kind !== 'thankYou' && ctx.lines.some((l) => l.kind === 'thankYou');
  const paragraphs = [...fillAll(variant.body, vars), ...(thanked ? [fill(L.thanksNote, vars)] : [])];
  const links = answerLinks(ctx.lines);
  // A statement's lines carry their own answers: the block keeps what is about the customer.
  const shown = ctx.many ? ANSWER_LINKS.filter((k) => !(LINE_ANSWER_LINKS as readonly string[]).includes(k)) : ANSWER_LINKS;
  const answer = shown.flatMap((k) => {
    const url = safeUrl(links[k]);
    return url ? [{ label: L.links[k], url }] : [];
  });
  const owes = input.kind !== 'thankYou' && ctx.owed.some((l) => l.amountDue > 0);
  const paymentQr = owes && input.paymentQrSrc ? paymentQrFor(input.tenant, ctx.owed) : undefined;

  const view = {
    lang: templateLanguage(input.language),
    subject,
    preheader: paragraphs[0] ?? '',
    supplierName: input.tenant.name,
    greeting: fill(entry<string>(strings, ['labels', 'greeting', input.tone]), vars),
    paragraphs,
    signoff: entry<string>(strings, ['labels', 'signoff', input.tone]),
    signature: fill(L.signature, vars),
    single: ctx.many ? false : detailsBlock(ctx, links),
    statement: ctx.many ? statementBlock(ctx, input.kind) : false,
    credit: creditBlock(ctx, input),
    answer: answer.length && input.kind !== 'thankYou' ? { title: L.answerTitle, links: answer } : false,
    pay: owes ? payBlock(ctx, input, paymentQr) : false,
    terms: { title: L.terms.title, lines: [fill(L.terms.paymentTerms, vars), fill(L.terms.consequences, vars)] },
    contacts: contactsBlock(ctx, input),
    footer: fill(L.footer, vars),
    // Off unless the supplier turned open tracking on (tenant.openTracking): then the links carry it.
    openPixelUrl: safeUrl(links.open) ?? false,
  };

  const short = links.short && links.short.length <= SHORT_LINK_MAX_LENGTH ? safeUrl(links.short) : undefined;
  return {
    subject,
    html: renderHtml(messageLayout().html, view),
    text: renderText(messageLayout().text, view),
    sms: composeSms(fill(variant.sms, vars), short),
    ...(paymentQr ? { paymentQr } : {}),
  };
};

/**
 * Whether a company's own wording (domain/messages/wording.ts) may be used, with every reason it may
 * not, each at its path; and the preview of it on a sample invoice. Pure: no AWS import.
 *
 * Where the facts a reminder must carry are:
 * - in the words: an override of a reminder must name {{invoiceNumber}}, {{issueDate}}, {{dueDate}},
 *   {{amountDue}}, {{iban}} and {{paymentReference}} in its subject or paragraphs, outside any
 *   {{#section}} (which may render nothing). The built-in paragraphs lean on the layout's details and
 *   pay blocks ("our bank details and the payment reference below"), words we wrote and reviewed; a
 *   company's words are not reviewed, so they state the facts themselves.
 * - in the layout, which no override can change: the details block (number, dates, amount), the pay
 *   block (beneficiary, IBAN, reference), the contacts block (both companies and the billing contact)
 *   and the terms block (payment terms, the consequence of paying late). The check renders the override
 *   on the sample invoice and looks for each of those facts in the plain-text part.
 * Escaping: the words are filled as text and reach the HTML through the layout's escaped {{ }}, as
 * the built-ins do; a triple mustache or {{&x}} (unescaped) and HTML markup are refused.
 */
import Mustache, { type TemplateSpans } from 'mustache';
import * as z from 'zod/mini';
import { Customer, Invoice, LANGUAGES, TONES, type Language, type Tenant, type Tone } from '../model.js';
import { renderMessage } from './rendering/render.js';
import { buildContext } from './rendering/context.js';
import { MAX_SEGMENTS, SEGMENT_SEPTETS, septets, toGsm } from './rendering/sms.js';
import { entry, fill, localeStrings } from './rendering/strings.js';
import type { RenderInput, RenderedMessage } from './rendering/types.js';
import { SHORT_LINK_MAX_LENGTH } from './short-links.js';
import { Wording, WordingOverride, WORDING_KINDS, type WordingKind } from './wording.js';
import { lazySchema } from '../shared/lazy-schema.js';

/**
 * The placeholders a message's words may use: the facts rendering/context.ts gives every message
 * (test/unit/wording-override.test.ts checks both ways: every one the built-ins use is here, and
 * every one here is a fact the renderer fills).
 */
export const KNOWN_PLACEHOLDERS = [
  'agencyName', 'amountDue', 'compensation', 'compensationAmount', 'contactName', 'count', 'customerName',
  'daysLate', 'daysLateText', 'dueDate', 'dueDateShort', 'graceDays', 'graceDaysText', 'hasClaim', 'iban',
  'instalmentAmount', 'instalmentCount', 'instalmentNumber', 'interest', 'invoiceNumber', 'invoiceShort', 'issueDate',
  'paidTotal', 'paymentAmount', 'paymentDate', 'paymentReference', 'planRemaining', 'promiseDate', 'promiseDateShort',
  'supplierEmail', 'supplierName',
  'supplierShort', 'termsDaysText', 'thanksNumbers', 'today', 'totalClaim',
] as const;
const KNOWN: ReadonlySet<string> = new Set(KNOWN_PLACEHOLDERS);

/** The facts an override of a reminder names itself (see above). */
export const REQUIRED_FACTS = [
  { fact: 'invoice number', placeholder: 'invoiceNumber' },
  { fact: 'issue date', placeholder: 'issueDate' },
  { fact: 'due date', placeholder: 'dueDate' },
  { fact: 'amount due', placeholder: 'amountDue' },
  { fact: 'IBAN', placeholder: 'iban' },
  { fact: 'payment reference', placeholder: 'paymentReference' },
] as const;

/** Kinds that do not ask for money (a thank-you, the acknowledgement of a payment claim): they name the invoice number only. */
const NOT_REMINDERS: ReadonlySet<WordingKind> = new Set<WordingKind>(['thankYou', 'paymentClaimAck']);

export const requiredFactsOf = (kind: WordingKind) => (NOT_REMINDERS.has(kind) ? REQUIRED_FACTS.filter((f) => f.placeholder === 'invoiceNumber') : REQUIRED_FACTS);

export interface WordingProblem {
  readonly path: string;
  readonly why: string;
  readonly placeholder?: string;
}

const MARKUP_WHY = 'HTML markup or entities are not allowed: the layout escapes the text, so they would show as written';
const MARKUP = /<\s*\/?\s*[a-zA-Z!?][^>]*>|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);/;

/** The problems of one text, and the placeholders it names where they always render (outside sections). */
const readText = (path: string, text: string): { problems: WordingProblem[]; named: Set<string> } => {
  const problems: WordingProblem[] = [];
  const named = new Set<string>();
  let tokens: TemplateSpans;
  try {
    tokens = Mustache.parse(text);
  } catch (err) {
    return { problems: [{ path, why: `not a valid template: ${(err as Error).message}` }], named };
  }
  const walk = (ts: TemplateSpans, inSection: boolean): void => {
    for (const [type, value, , , children] of ts) {
      switch (type) {
        case 'text':
          if (MARKUP.test(value) && !problems.some((p) => p.why === MARKUP_WHY)) problems.push({ path, why: MARKUP_WHY });
          break;
        case 'name':
          if (!KNOWN.has(value)) problems.push({ path, placeholder: value, why: `unknown placeholder {{${value}}}` });
          else if (!inSection) named.add(value);
          break;
        case '&':
          problems.push({ path, placeholder: value, why: `{{{${value}}}} and {{&${value}}} would not be escaped: write {{${value}}}` });
          break;
        case '#':
        case '^':
          if (!KNOWN.has(value)) problems.push({ path, placeholder: value, why: `unknown placeholder {{${type}${value}}}` });
          walk(Array.isArray(children) ? children : [], true);
          break;
        case '!':
          break;
        default:
          // '>' (a partial), '=' (new delimiters)
          problems.push({ path, placeholder: value, why: `{{${type}${value}}}: partials and delimiter changes are not allowed in wording` });
      }
    }
  };
  walk(tokens, false);
  return { problems, named };
};

const NOW = new Date('2026-03-20T09:00:00Z');
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Days after the due date the sample invoice is, by kind: before it for the early stages. */
const SAMPLE_DAYS_LATE: Partial<Record<WordingKind, number>> = { receiptCheck: -20, preDue: -7, dueDate: 0, thankYou: 3, paymentClaimAck: 3 };

/** The sample's plan of three instalments, the first paid, the second on `second`. */
const samplePlan = (second: string, due: number) => {
  const agreedAt = new Date(due + 5 * DAY).toISOString();
  return {
    status: 'promised',
    amountPaid: 40_000,
    promise: { date: second, amount: 41_000, recordedAt: agreedAt, expectedPaid: 81_000, note: 'instalment 2 of 3' },
    plan: { agreedAt, paidBefore: 0, instalments: [{ date: isoDay(due + 10 * DAY), amount: 40_000 }, { date: second, amount: 41_000 }, { date: isoDay(Date.parse(`${second}T00:00:00Z`) + 30 * DAY), amount: 41_000 }] },
  };
};

/** The sample invoice a message is previewed on: the company's own record, a customer with a billing contact, one invoice. */
export const sampleRenderInput = (kind: WordingKind, tone: Tone, language: Language, tenant: Tenant, now: Date = NOW): RenderInput => {
  const due = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`) - (SAMPLE_DAYS_LATE[kind] ?? 20) * DAY;
  // The instalment reminder announces the second of three instalments three days ahead; the others cite a date just past.
  const promise = isoDay(now.getTime() + (kind === 'instalmentDue' ? 3 : -2) * DAY);
  const invoice = Invoice.parse({
    tenantId: tenant.tenantId,
    invoiceId: 'SAMPLE-1',
    number: 'FT-2026-0042',
    customerId: 'SAMPLE',
    issueDate: isoDay(due - 30 * DAY),
    dueDate: isoDay(due),
    currency: 'EUR',
    amount: 122_000,
    ...(kind === 'thankYou' ? { amountPaid: 122_000, status: 'paid' } : kind === 'instalmentDue' ? samplePlan(promise, due) : { status: 'open' }),
    paymentReference: 'RF18539007547034',
    createdAt: new Date(due - 30 * DAY).toISOString(),
    updatedAt: new Date(due - 30 * DAY).toISOString(),
  });
  const customer = Customer.parse({
    tenantId: tenant.tenantId,
    customerId: 'SAMPLE',
    name: 'Cliente Bianchi S.p.A.',
    country: 'IT',
    language,
    timeZone: tenant.timeZone,
    email: 'ap@bianchi.example',
    billingContact: { name: 'Giulia Verdi', email: 'giulia@bianchi.example', role: 'Accounts payable' },
  });
  // Under a plan kept so far nothing is late (reminder.ts decideReminder).
  const daysLate = kind === 'instalmentDue' ? 0 : Math.max(0, Math.round((Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`) - due) / DAY));
  const owed = kind === 'thankYou' ? 0 : invoice.amount - invoice.amountPaid;
  return {
    kind,
    tone,
    language,
    tenant,
    customer,
    lines: [{ invoice, kind, amountDue: owed, daysLate }],
    now,
    facts: {
      ...(kind === 'brokenPromise' || kind === 'instalmentMissed' || kind === 'instalmentDue' ? { promiseDate: promise } : {}),
      ...(kind === 'thankYou' || kind === 'paymentClaimAck' ? { paymentAmount: invoice.amount, paymentDate: promise } : {}),
    },
  };
};

/** The facts the layout carries, as the sample's plain-text part must show them. */
const layoutFacts = (sample: RenderInput): { fact: string; text: string }[] => {
  const ctx = buildContext(sample);
  const terms = entry<{ paymentTerms: string; consequences: string }>(localeStrings(sample.language), ['labels', 'terms']);
  const contact = sample.customer.billingContact;
  return [
    { fact: 'invoice number', text: sample.lines[0]!.invoice.number },
    ...(sample.kind === 'thankYou' ? [] : [{ fact: 'IBAN', text: String(ctx.vars.iban) }, { fact: 'payment reference', text: String(ctx.vars.paymentReference) }]),
    { fact: "the company's contacts", text: sample.tenant.email },
    { fact: "the customer's name", text: sample.customer.name },
    ...(contact ? [{ fact: 'the billing contact', text: contact.name }] : []),
    { fact: 'the payment terms', text: fill(terms.paymentTerms, ctx.vars) },
    { fact: 'the consequence of paying late', text: fill(terms.consequences, ctx.vars) },
  ];
};

/** The problems of whatever texts a malformed candidate holds. */
const rawTextProblems = (input: unknown): WordingProblem[] => {
  if (typeof input !== 'object' || input === null) return [];
  const { subject, body, sms } = input as Record<string, unknown>;
  return [
    ...(typeof subject === 'string' ? readText('subject', subject).problems : []),
    ...(Array.isArray(body) ? body.flatMap((p, i) => (typeof p === 'string' ? readText(`body.${i}`, p).problems : [])) : []),
    ...(typeof sms === 'string' ? readText('sms', sms).problems : []),
  ];
};

const SMS_ROOM = MAX_SEGMENTS * SEGMENT_SEPTETS.multipart - SHORT_LINK_MAX_LENGTH - 1;

export type WordingCheck =
  | { ok: true; override: WordingOverride; preview: RenderedMessage }
  | { ok: false; problems: WordingProblem[] };

const schemaProblems = (error: z.core.$ZodError, prefix: string): WordingProblem[] =>
  error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', why: i.message }));

/**
 * Every problem of a candidate override (kind, tone, language, subject, body, sms), each with its
 * path; when there is none, the override and its rendering on the sample invoice. `tenant` is the
 * company whose record the sample shows (its name, IBAN, contacts).
 */
export const checkWordingOverride = (input: unknown, tenant: Tenant, now: Date = NOW): WordingCheck => {
  const parsed = WordingOverride.safeParse(input);
  // A malformed override still hears what is wrong with the texts it has.
  if (!parsed.success) return { ok: false, problems: [...schemaProblems(parsed.error, ''), ...rawTextProblems(input)] };
  const o = parsed.data;
  const texts = [
    readText('subject', o.subject),
    ...o.body.map((p, i) => readText(`body.${i}`, p)),
    ...(o.sms === undefined ? [] : [readText('sms', o.sms)]),
  ];
  const problems = texts.flatMap((t) => t.problems);
  const named = new Set(texts.slice(0, 1 + o.body.length).flatMap((t) => [...t.named]));
  for (const f of requiredFactsOf(o.kind)) {
    if (!named.has(f.placeholder)) {
      problems.push({ path: 'body', placeholder: f.placeholder, why: `the ${f.fact} is missing: name {{${f.placeholder}}} in the subject or a paragraph, outside any {{#section}}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const sample = sampleRenderInput(o.kind, o.tone, o.language, tenant, now);
  if (o.sms !== undefined) {
    const n = septets(toGsm(fill(o.sms, buildContext(sample).vars)));
    if (n > SMS_ROOM) problems.push({ path: 'sms', why: `${n} characters on the sample invoice: at most ${SMS_ROOM}, so that ${MAX_SEGMENTS} SMS segments hold it and the answer link` });
  }
  let preview: RenderedMessage;
  try {
    preview = renderMessage({ ...sample, overrides: [o] });
  } catch (err) {
    return { ok: false, problems: [...problems, { path: '(root)', why: `does not render on the sample invoice: ${(err as Error).message}` }] };
  }
  const text = preview.text.replace(/[\u00a0\u202f]/g, ' ');
  for (const f of layoutFacts(sample)) {
    if (!text.includes(f.text.replace(/[\u00a0\u202f]/g, ' '))) problems.push({ path: '(rendered)', why: `the rendered message does not show ${f.fact}` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, override: o, preview };
};

/**
 * One kind and tone in every language it covers: what an upload (config/templates/<kind>.<tone>.json)
 * and a preview hold.
 */
export const WordingSet = lazySchema(() => z.object({
  kind: z.enum(WORDING_KINDS),
  tone: z.enum(TONES),
  languages: z.partialRecord(z.enum(LANGUAGES), Wording),
}));
export type WordingSet = z.infer<typeof WordingSet>;

export type WordingSetCheck =
  | { ok: true; overrides: WordingOverride[]; previews: Partial<Record<Language, RenderedMessage>> }
  | { ok: false; problems: WordingProblem[] };

/** Every language of a set checked; accepted only when all are (paths `languages.<lang>.…`). */
export const checkWordingSet = (input: unknown, tenant: Tenant, now: Date = NOW): WordingSetCheck => {
  const parsed = WordingSet.safeParse(input);
  if (!parsed.success) return { ok: false, problems: schemaProblems(parsed.error, '') };
  const { kind, tone, languages } = parsed.data;
  const entries = Object.entries(languages) as [Language, Wording][];
  if (entries.length === 0) return { ok: false, problems: [{ path: 'languages', why: `name at least one language (${LANGUAGES.join(', ')})` }] };
  const problems: WordingProblem[] = [];
  const overrides: WordingOverride[] = [];
  const previews: Partial<Record<Language, RenderedMessage>> = {};
  for (const [language, words] of entries) {
    const r = checkWordingOverride({ kind, tone, language, ...words }, tenant, now);
    if (r.ok) {
      overrides.push(r.override);
      previews[language] = r.preview;
    } else problems.push(...r.problems.map((p) => ({ ...p, path: `languages.${language}${p.path.startsWith('(') ? '' : `.${p.path}`}` })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, overrides, previews };
};

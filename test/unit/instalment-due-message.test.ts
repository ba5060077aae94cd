/**
 * The instalment reminder (kind instalmentDue) as the customer reads it, in Italian, English and
 * Romanian and the three tones: the instalment's number, date and amount, what the plan still
 * asks for, the IBAN and reference, the answer links, and nothing overdue.
 */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, Tenant, TONES, type Language } from '../../lambdas/domain/model.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';
import { renderMessage } from '../../lambdas/domain/messages/rendering/render.js';
import { localeStrings } from '../../lambdas/domain/messages/rendering/strings.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { checkWordingOverride } from '../../lambdas/domain/messages/wording-override.js';

const NOW = new Date('2026-04-17T07:00:00Z');
const tenant = Tenant.parse({
  tenantId: 't1', name: 'Officine Rossi SRL', email: 'crediti@officinerossi.example', iban: 'IT60X0542811101000000123456',
  country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['finance@officinerossi.example'],
});
const customer = (language: Language) =>
  Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Cliente Bianchi SpA', country: 'IT', language, timeZone: 'Europe/Rome', email: 'ap@bianchi.example' });

/** 1,000.00 EUR due 16 February, on a plan of three: the first (300.00) paid, the second (350.00) on 20 April. */
const invoice = Invoice.parse({
  tenantId: 't1', invoiceId: 'INV-1', number: 'FT-2026-0042', customerId: 'C-1', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR',
  amount: 100_000, amountPaid: 30_000, status: 'promised', paymentReference: 'RF18539007547034',
  promise: { date: '2026-04-20', amount: 35_000, recordedAt: '2026-03-20T10:00:00Z', expectedPaid: 65_000 },
  plan: { agreedAt: '2026-02-25T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-20', amount: 30_000 }, { date: '2026-04-20', amount: 35_000 }, { date: '2026-05-20', amount: 35_000 }] },
  createdAt: '2026-01-15T10:00:00Z', updatedAt: '2026-03-20T10:00:00Z',
});
const links = { paid: 'https://pay.example/l/paid?sig=a', promise: 'https://pay.example/l/promise?sig=a', view: 'https://pay.example/l/view?sig=a' };

/** Written by hand per market: the instalment, its date, the plan's rest, and the words for "nothing is overdue". */
const EXPECTED: Record<Language, { instalment: RegExp; amount: string; date: string; remaining: string; nothingOverdue: RegExp }> = {
  it: { instalment: /rata 2 di 3/i, amount: '350,00 €', date: '20 aprile 2026', remaining: '700,00 €', nothingOverdue: /non c'è nulla di scaduto/i },
  en: { instalment: /instalment 2 of 3/i, amount: '€350.00', date: '20 April 2026', remaining: '€700.00', nothingOverdue: /nothing is overdue/i },
  ro: { instalment: /rata 2 din 3/i, amount: '350,00 EUR', date: '20 aprilie 2026', remaining: '700,00 EUR', nothingOverdue: /nu există nicio sumă restantă/i },
};
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

const render = (language: Language, tone: (typeof TONES)[number]) => {
  // The invoice is two months past its own due date and the policy claims interest: under the plan, none of it shows.
  const d = decideReminder({ invoice, customer: customer(language), tenant, policy: BUILT_IN_POLICIES.standard, kind: 'instalmentDue', now: NOW });
  return { d, m: renderMessage({ kind: 'instalmentDue', tone, language, tenant, customer: customer(language), lines: [{ ...d.line, links }], now: NOW, facts: { promiseDate: '2026-04-20' } }) };
};

describe('the instalment reminder', () => {
  for (const language of ['it', 'en', 'ro'] as const) {
    for (const tone of TONES) {
      it(`${language} ${tone}: names the instalment, its date and amount, the plan's rest, the IBAN and reference, and nothing overdue`, () => {
        const { d, m } = render(language, tone);
        const e = EXPECTED[language];
        expect(d.line).toMatchObject({ daysLate: 0, amountDue: 70_000 });
        expect(d.line.interest).toBeUndefined();
        expect(d.sms).toBeUndefined();
        const text = plain(m.text);
        expect(plain(m.subject)).toMatch(e.instalment);
        expect(plain(m.subject)).toContain(e.date);
        for (const fact of [e.amount, e.date, e.remaining, 'IT60 X054 2811 1010 0000 0123 456', 'RF18539007547034', 'FT-2026-0042', links.paid]) expect(text, fact).toContain(fact);
        expect(text).toMatch(e.instalment);
        expect(text).toMatch(e.nothingOverdue);
        const L = localeStrings(language).labels;
        expect(text).not.toContain(L.daysLate);
        expect(text).not.toContain(L.totalClaim);
        expect(m.html).toContain(links.paid.replace(/&/g, '&amp;'));
        expect(plain(m.sms)).toContain(e.amount);
      });
    }
  }

  it('speaks for a statement when it carries another invoice coming due, listing both as coming due', () => {
    const other = Invoice.parse({ ...invoice, invoiceId: 'INV-2', number: 'FT-2026-0077', dueDate: '2026-04-24', amountPaid: 0, amount: 20_000, status: 'open', promise: undefined, plan: undefined });
    const own = decideReminder({ invoice, customer: customer('en'), tenant, policy: BUILT_IN_POLICIES.standard, kind: 'instalmentDue', now: NOW }).line;
    const m = renderMessage({
      kind: 'instalmentDue', tone: 'standard', language: 'en', tenant, customer: customer('en'), now: NOW, facts: { promiseDate: '2026-04-20' },
      lines: [own, { invoice: other, kind: 'preDue', amountDue: 20_000, daysLate: 0 }],
    });
    expect(m.subject).toBe('Instalment due on 20 April 2026: statement of open invoices');
    const text = plain(m.text);
    expect(text).toContain('Coming due');
    expect(text).not.toContain('Overdue');
    expect(text).toContain('FT-2026-0042');
    expect(text).toContain('FT-2026-0077');
  });

  it('refuses to announce an instalment the invoice has no plan for', () => {
    const d = decideReminder({ invoice, customer: customer('en'), tenant, policy: BUILT_IN_POLICIES.standard, kind: 'instalmentDue', now: NOW });
    expect(() => renderMessage({ kind: 'instalmentDue', tone: 'standard', language: 'en', tenant, customer: customer('en'), lines: [d.line], now: NOW, facts: { promiseDate: '2026-04-21' } })).toThrow(/one of its dates/);
  });

  it('takes a company\'s own words, previewed on a sample plan', () => {
    const r = checkWordingOverride({
      kind: 'instalmentDue', tone: 'standard', language: 'en',
      subject: 'Instalment {{instalmentNumber}}/{{instalmentCount}} of invoice {{invoiceNumber}} on {{promiseDate}}',
      body: ['Invoice {{invoiceNumber}} of {{issueDate}}, due {{dueDate}}: {{instalmentAmount}} on {{promiseDate}}, {{planRemaining}} left of {{amountDue}}. Pay to {{iban}} quoting {{paymentReference}}.'],
    }, tenant);
    expect(r.ok).toBe(true);
    if (r.ok) expect(plain(r.preview.subject)).toMatch(/^Instalment 2\/3 of invoice FT-2026-0042 on \d+ \w+ 2026$/);
  });
});

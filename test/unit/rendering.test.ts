import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Mustache from 'mustache';
import { Customer, Invoice, Tenant, TONES, type CustomerInput, type InvoiceInput, type Language, type Tone } from '../../lambdas/domain/model.js';
import { CUSTOMER_MESSAGE_KINDS, renderCallSheet, renderMessage, renderNotice } from '../../lambdas/domain/messages/rendering/render.js';
import type { MessageLine, RenderInput } from '../../lambdas/domain/messages/rendering/types.js';
import { buildContext } from '../../lambdas/domain/messages/rendering/context.js';
import { localeStrings, MissingTemplateError, entry } from '../../lambdas/domain/messages/rendering/strings.js';
import { segments, toGsm } from '../../lambdas/domain/messages/rendering/sms.js';
import { SHORT_LINK_MAX_LENGTH } from '../../lambdas/domain/messages/short-links.js';
import { messageLinks, verifyLink } from '../../lambdas/domain/messages/links.js';
import en from '../../templates/en.json' with { type: 'json' };
import itStrings from '../../templates/it.json' with { type: 'json' };
import ro from '../../templates/ro.json' with { type: 'json' };

const LANGS: Language[] = ['it', 'en', 'ro'];
const NOW = new Date('2026-03-20T09:00:00Z');
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

const tenant = Tenant.parse({
  tenantId: 't1',
  name: 'Officine Rossi SRL',
  email: 'crediti@officinerossi.example',
  phone: '+390212345678',
  address: 'Via Roma 1, 20121 Milano',
  vatId: 'IT01234567890',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['finance@officinerossi.example'],
  agency: { name: 'Recupero Nord', email: 'pratiche@recupero.example' },
});

const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({
    tenantId: 't1',
    customerId: 'C-1',
    name: 'Cliente Bianchi SpA',
    country: 'IT',
    language: 'it',
    timeZone: 'Europe/Rome',
    email: 'ap@bianchi.example',
    billingContact: { name: 'Giulia Verdi', email: 'giulia@bianchi.example', phone: '+393471234567', role: 'Contabilità fornitori' },
    salesNotes: ['Pays after the 10th of the month'],
    ...over,
  });

const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't1',
    invoiceId: 'INV-1',
    number: 'FT-2026-0042',
    customerId: 'C-1',
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    currency: 'EUR',
    amount: 123_456,
    status: 'open',
    paymentReference: 'RF18539007547034',
    promise: { date: '2026-03-10', recordedAt: '2026-03-01T10:00:00Z' },
    createdAt: '2026-01-15T10:00:00Z',
    updatedAt: '2026-01-15T10:00:00Z',
    ...over,
  });

const line = (over: Partial<MessageLine> = {}, inv: Partial<InvoiceInput> = {}): MessageLine => ({
  invoice: invoice(inv),
  kind: 'firstOverdue',
  amountDue: 123_456,
  daysLate: 34,
  links: { paid: 'https://pay.example/l/paid?sig=abc', promise: 'https://pay.example/l/promise?sig=abc', view: 'https://pay.example/l/view?sig=abc' },
  ...over,
});

/** The instalment reminder is about an invoice on a plan: one with an instalment on the facts' date (2026-03-10). */
const PLAN = { agreedAt: '2026-02-20T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-10', amount: 60_000 }, { date: '2026-04-10', amount: 63_456 }] };
const onPlanIfDue = (l: MessageLine): MessageLine => (l.kind === 'instalmentDue' ? { ...l, daysLate: 0, invoice: { ...l.invoice, status: 'promised', plan: PLAN } } : l);

const input = (over: Partial<RenderInput> = {}): RenderInput => ({
  kind: 'firstOverdue',
  tone: 'standard',
  language: 'it',
  tenant,
  customer: customer(),
  lines: [line()],
  now: NOW,
  facts: { promiseDate: '2026-03-10', paymentAmount: 123_456, paymentDate: '2026-03-19' },
  ...over,
});

/** Hand-written expectations per language: the invoice of `invoice()` as each market writes it. */
const EXPECTED: Record<Language, { amount: string; issue: string; due: string }> = {
  it: { amount: '1.234,56 €', issue: '15 gennaio 2026', due: '14 febbraio 2026' },
  en: { amount: '€1,234.56', issue: '15 January 2026', due: '14 February 2026' },
  ro: { amount: '1.234,56 EUR', issue: '15 ianuarie 2026', due: '14 februarie 2026' },
};
const IBAN = 'IT60 X054 2811 1010 0000 0123 456';

const leaves = (o: unknown, path: string[] = []): [string, string][] =>
  typeof o === 'string' ? [[path.join('.'), o]] : Object.entries(o as object).flatMap(([k, v]) => leaves(v, [...path, k]));

const placeholders = (template: string): string[] => {
  const out = new Set<string>();
  const walk = (tokens: unknown[][]) => {
    for (const t of tokens) {
      if (t[0] !== 'text') out.add(t[1] as string);
      if (Array.isArray(t[4])) walk(t[4] as unknown[][]);
    }
  };
  walk(Mustache.parse(template) as unknown[][]);
  return [...out].sort();
};

describe('templates', () => {
  it('exist for every customer message, tone and language, and statements for every stage', () => {
    for (const lang of LANGS) {
      const s = localeStrings(lang);
      for (const kind of CUSTOMER_MESSAGE_KINDS) {
        for (const tone of TONES) {
          const v = entry<{ subject: string; body: string[]; sms: string }>(s, ['messages', kind, tone]);
          expect(v.subject.trim(), `${lang} ${kind} ${tone}`).not.toBe('');
          expect(v.body.length).toBeGreaterThan(0);
          expect(v.sms.trim()).not.toBe('');
        }
      }
      for (const kind of ['receiptCheck', 'preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'creditHold', 'escalation']) {
        const st = entry<{ subject: string; intro: string; sms: string }>(s, ['statement', kind]);
        expect([st.subject, st.intro, st.sms].every((x) => x.trim() !== '')).toBe(true);
      }
    }
  });

  it('translate every English key with the same placeholders, and never leave a message in English', () => {
    const english = new Map(leaves(en));
    for (const [lang, file] of [['it', itStrings], ['ro', ro]] as const) {
      const own = new Map(leaves(file));
      for (const [key, text] of english) {
        expect(own.has(key), `${lang} lacks ${key}`).toBe(true);
        expect(placeholders(own.get(key)!), `${lang} ${key}`).toEqual(placeholders(text));
        if (/^(messages|statement)\./.test(key)) expect(own.get(key), `${lang} ${key} is untranslated`).not.toBe(text);
      }
    }
  });

  it('use only placeholders the renderer fills', () => {
    const known = new Set(Object.keys(buildContext(input()).vars));
    for (const file of [en, itStrings, ro]) {
      for (const [key, text] of leaves({ messages: file.messages, statement: file.statement })) {
        for (const name of placeholders(text)) expect(known.has(name), `${file.locale} ${key}: {{${name}}}`).toBe(true);
      }
    }
  });

  it('throw a named error for a missing key rather than rendering a hole', () => {
    expect(() => entry(localeStrings('it'), ['messages', 'phoneCall', 'firm'])).toThrow(MissingTemplateError);
    expect(() => renderMessage(input({ kind: 'phoneCall' }))).toThrow(/phoneCall has no customer message/);
  });
});

describe('renderMessage: one invoice', () => {
  const cases = LANGS.flatMap((language) => CUSTOMER_MESSAGE_KINDS.flatMap((kind) => TONES.map((tone) => ({ language, kind, tone }))));

  it.each(cases)('$language $kind $tone carries every required fact in HTML and text', ({ language, kind, tone }) => {
    const m = renderMessage(input({ language, kind, tone: tone as Tone, customer: customer({ language }), lines: [onPlanIfDue(line({ kind }))] }));
    const e = EXPECTED[language];
    const isThanks = kind === 'thankYou';
    for (const [part, body] of [['html', plain(m.html)], ['text', plain(m.text)]] as const) {
      const must = [
        'FT-2026-0042',
        e.amount,
        e.issue,
        e.due,
        'Officine Rossi SRL',
        'crediti@officinerossi.example',
        '+390212345678',
        'Via Roma 1, 20121 Milano',
        'Cliente Bianchi SpA',
        'Giulia Verdi',
        'giulia@bianchi.example',
        '+393471234567',
        ...(isThanks ? [] : [IBAN, 'RF18539007547034']),
      ];
      for (const fact of must) expect(body, `${part} lacks ${fact}`).toContain(fact);
      expect(body).not.toMatch(/\{\{|\}\}/);
      if (isThanks) expect(body, 'a thank-you asks for no payment').not.toContain(IBAN);
    }
    expect(m.subject).not.toBe('');
    expect(m.subject).not.toMatch(/\{\{/);
    expect(segments(m.sms)).toBeLessThanOrEqual(3);
  });

  it('states the payment terms and the consequences of paying late under the national law', () => {
    const law: Record<Language, RegExp> = { it: /D\.Lgs\. 231\/2002/, en: /Directive 2011\/7\/EU/, ro: /72\/2013/ };
    for (const language of LANGS) {
      const m = renderMessage(input({ language, kind: 'preDue', lines: [line({ kind: 'preDue', daysLate: 0 })] }));
      expect(m.text).toMatch(law[language]);
      expect(plain(m.text)).toContain(language === 'en' ? '€40.00' : language === 'it' ? '40,00 €' : '40,00 EUR');
      expect(m.text).toMatch(/30/); // payment terms: issue date to due date
    }
  });

  it('shows the links it is given, and drops links that are not http(s)', () => {
    const m = renderMessage(input({ lines: [line({ links: { paid: 'https://pay.example/p?a=1&b=2', dispute: 'javascript:alert(1)', view: 'data:text/html,x' } })] }));
    expect(m.html).toContain("href='https://pay.example/p?a=1&amp;b=2'");
    expect(m.html).toContain('Ho già pagato');
    expect(m.html).not.toMatch(/javascript:|data:text/);
    expect(m.html).not.toContain("C&#39;è un problema");
    expect(m.text).toContain('https://pay.example/p?a=1&b=2');
  });

  it('asks the reason at the first overdue reminder', () => {
    const reason: Record<Language, RegExp> = { it: /motivo/, en: /reason|why/, ro: /motiv|de ce/ };
    for (const language of LANGS) for (const tone of TONES) {
      const m = renderMessage(input({ language, tone, kind: 'firstOverdue' }));
      expect(m.text, `${language} ${tone}`).toMatch(reason[language]);
    }
  });

  it('states the credit hold, the interest to date and the fixed compensation in the final notice', () => {
    const m = renderMessage(input({ language: 'it', kind: 'creditHold', lines: [line({ kind: 'creditHold', interest: 1_170, compensation: 4_000 })] }));
    const text = plain(m.text);
    expect(text).toMatch(/fido/);
    expect(text).toContain('11,70 €'); // interest
    expect(text).toContain('40,00 €'); // compensation
    expect(text).toContain('1.286,26 €'); // 1.234,56 + 11,70 + 40,00
    expect(text).toContain('20 marzo 2026'); // interest to date, in the customer's time zone
  });

  it('gives the statutory compensation in the currency of the debt, or its euro equivalent', () => {
    const ron = renderMessage(input({ language: 'ro', kind: 'creditHold', lines: [line({ kind: 'creditHold', amountDue: 100_000 }, { currency: 'RON', amount: 100_000 })] }));
    expect(plain(ron.text)).toContain('198,80 RON');
    const usd = renderMessage(input({ language: 'en', kind: 'creditHold', lines: [line({ kind: 'creditHold', amountDue: 100_000 }, { currency: 'USD', amount: 100_000 })] }));
    expect(plain(usd.text)).toContain('€40.00 or its equivalent in USD');
  });

  it('cites the broken promise date, and refuses to render one without it', () => {
    const m = renderMessage(input({ language: 'en', kind: 'brokenPromise', facts: { promiseDate: '2026-03-10' } }));
    expect(m.text).toContain('10 March 2026');
    expect(() => renderMessage(input({ kind: 'brokenPromise', facts: {}, lines: [line({}, { promise: undefined })] }))).toThrow(/promiseDate/);
  });

  it('thanks for the payment received, with its amount and date', () => {
    const m = renderMessage(input({ language: 'ro', kind: 'thankYou', facts: { paymentAmount: 50_000, paymentDate: '2026-03-19' }, lines: [line({ kind: 'thankYou', amountDue: 0, daysLate: 0 })] }));
    expect(plain(m.text)).toContain('500,00 EUR');
    expect(m.text).toContain('19 martie 2026');
    expect(m.text).toMatch(/mulțumim/);
  });

  it("shows the customer's open credits beside what is due, each with where it came from, and never nets them off", () => {
    const credits = [
      { amount: 4_550, currency: 'EUR', at: '2026-03-09T23:30:00Z' },
      { amount: 12_000, currency: 'EUR', at: '2026-02-02T10:00:00Z', creditNote: 'NC-7' },
    ];
    const italian = renderMessage(input({ credits }));
    // The overpayment read at 23:30 UTC on the 9th was the 10th in Rome, the customer's day.
    expect(plain(italian.text)).toMatch(/Credito a vostro favore\n- Pagamento in eccedenza del 10 marzo 2026: 45,50 €\n- Nota di credito NC-7 del 2 febbraio 2026: 120,00 €/);
    expect(plain(italian.html)).toContain('Nota di credito NC-7 del 2 febbraio 2026');
    // The amount due stays the invoice's: the credit is the finance team's to apply.
    expect(plain(italian.text)).toContain('1.234,56 €');
    expect(italian.paymentQr ?? renderMessage(input({ credits, paymentQrSrc: 'cid:qr' })).paymentQr).toContain('EUR1234.56');
    const en = renderMessage(input({ language: 'en', kind: 'thankYou', credits: credits.slice(0, 1), lines: [line({ kind: 'thankYou', amountDue: 0, daysLate: 0 })] }));
    expect(plain(en.text)).toContain('Credit in your favour\n- Paid in excess on 10 March 2026: €45.50');
    expect(renderMessage(input()).text).not.toContain('Credito a vostro favore');
    expect(renderMessage(input({ credits: [{ amount: 0, currency: 'EUR', at: '2026-03-09T10:00:00Z' }] })).text).not.toContain('Credito a vostro favore');
  });

  it('formats amounts in the currency of the invoice for the locale of the customer', () => {
    const gbp = renderMessage(input({ language: 'en', lines: [line({}, { currency: 'GBP' })] }));
    expect(plain(gbp.text)).toContain('£1,234.56');
    const ron = renderMessage(input({ language: 'ro', lines: [line({}, { currency: 'RON' })] }));
    expect(plain(ron.text)).toContain('1.234,56 RON');
  });

  it('agrees Romanian day counts with the number (5 zile, 20 de zile)', () => {
    expect(renderMessage(input({ language: 'ro', lines: [line({ daysLate: 5 })] })).text).toContain('5 zile');
    expect(renderMessage(input({ language: 'ro', lines: [line({ daysLate: 34 })] })).text).toContain('34 de zile');
    expect(renderMessage(input({ language: 'en', lines: [line({ daysLate: 1 })] })).subject).toContain('1 day ');
  });

  it("falls back to English for a language without templates ('de')", () => {
    const de = renderMessage(input({ language: 'de' as Language, customer: customer({ language: 'en' }) }));
    const english = renderMessage(input({ language: 'en' }));
    expect(de.subject).toBe(english.subject);
    expect(de.text).toBe(english.text);
    expect(de.html).toContain("lang='en'");
    expect(plain(de.text)).toContain('€1,234.56');
  });

  it('refuses inputs it cannot render truthfully', () => {
    expect(() => renderMessage(input({ lines: [] }))).toThrow(/at least one invoice/);
    expect(() => renderMessage(input({ lines: [line({ amountDue: 12.5 })] }))).toThrow(/amountDue/);
    expect(() => renderMessage(input({ kind: 'paymentClaimAck', lines: [line(), line({}, { number: 'FT-2' })] }))).toThrow(/one invoice/);
  });
});

describe('open tracking', () => {
  it('puts the 1x1 pixel in the HTML only when the links carry one, and never in the text', () => {
    const plain = renderMessage(input({ lines: [line({ links: { paid: 'https://pay.example/c/p' } })] }));
    expect(plain.html).not.toContain('width=\'1\' height=\'1\'');
    const tracked = renderMessage(input({ lines: [line({ links: { paid: 'https://pay.example/c/p', open: 'https://pay.example/c/o' } })] }));
    expect(tracked.html).toContain("<img src='https://pay.example/c/o' width='1' height='1' alt=''");
    expect(tracked.text).not.toContain('https://pay.example/c/o');
  });
});

describe('renderMessage: statement of several invoices', () => {
  const lines = [
    line({ kind: 'secondOverdue', amountDue: 100_000, daysLate: 34, interest: 900, compensation: 4_000 }, { number: 'A-1', dueDate: '2026-02-14', amount: 100_000 }),
    line({ kind: 'preDue', amountDue: 50_000, daysLate: 0 }, { number: 'B-2', dueDate: '2026-03-27', currency: 'RON', amount: 50_000, paymentReference: 'REF-B2' }),
    line({ kind: 'secondOverdue', amountDue: 20_000, daysLate: 19 }, { number: 'C-3', dueDate: '2026-03-01', amount: 20_000, paymentReference: 'REF-C3' }),
  ];
  const m = renderMessage(input({ language: 'en', kind: 'secondOverdue', lines }));
  const text = plain(m.text);
  const html = plain(m.html);

  it('lists overdue invoices first and pre-due ones under "coming due"', () => {
    const at = (s: string) => text.indexOf(s);
    expect(at('Overdue')).toBeGreaterThan(-1);
    expect(at('Overdue')).toBeLessThan(at('A-1 |'));
    expect(at('A-1 |')).toBeLessThan(at('C-3 |'));
    expect(at('C-3 |')).toBeLessThan(at('Coming due'));
    expect(at('Coming due')).toBeLessThan(at('B-2 |'));
    expect(html.indexOf('Coming due')).toBeLessThan(html.indexOf('B-2'));
  });

  it('totals per currency, never across currencies', () => {
    expect(text).toContain('Total in EUR: €1,200.00');
    expect(text).toContain('Total in RON: RON 500.00');
    expect(text).toContain('Total now due: €1,249.00'); // 1,200.00 + 9.00 interest + 40.00 compensation
    expect(text).not.toMatch(/1,700|1,749/);
    expect(text).toContain('€1,200.00 and RON 500.00');
  });

  it('shows each row with its dates, amount and days late, and every payment reference', () => {
    expect(text).toMatch(/A-1 \| 15\/01\/2026 \| 14\/02\/2026 \| €1,000\.00 \| 34/);
    expect(text).toMatch(/B-2 \| 15\/01\/2026 \| 27\/03\/2026 \| RON 500\.00 \|/);
    for (const ref of ['RF18539007547034', 'REF-B2', 'REF-C3']) expect(text).toContain(ref);
    expect(m.subject).toMatch(/statement/i);
    expect(segments(m.sms)).toBeLessThanOrEqual(3);
  });

  it("gives every line its own answer links, each signed for that line's invoice; the contact link stays in the answer block", () => {
    const ring = { current: new TextEncoder().encode('k'.repeat(32)) };
    const signed = (inv: Partial<InvoiceInput>, over: Partial<MessageLine>) => {
      const links = messageLinks({ baseUrl: 'https://pay.example', tenantId: 't1', invoiceId: inv.invoiceId!, nonce: `n-${inv.invoiceId}`, ref: 'secondOverdue', expiresAt: NOW.getTime() / 1000 + 86_400, hasDocument: false }, ring);
      return line({ ...over, links }, inv);
    };
    const three = [
      signed({ invoiceId: 'INV-A', number: 'A-1', dueDate: '2026-02-14' }, { kind: 'secondOverdue', daysLate: 34 }),
      signed({ invoiceId: 'INV-B', number: 'B-2', dueDate: '2026-03-01' }, { kind: 'secondOverdue', daysLate: 19 }),
      signed({ invoiceId: 'INV-C', number: 'C-3', dueDate: '2026-03-27' }, { kind: 'preDue', daysLate: 0 }),
    ];
    const byNumber: Record<string, string> = { 'A-1': 'INV-A', 'B-2': 'INV-B', 'C-3': 'INV-C' };
    const r = renderMessage(input({ language: 'en', kind: 'secondOverdue', lines: three }));
    const verify = (url: string) => verifyLink(url.slice(url.indexOf('/c/') + 3), ring, NOW);

    // HTML: under each row, its own links, named for a screen reader with the row's number.
    const rowLinks = [...r.html.matchAll(/<a class='link' href='([^']+)' aria-label='([^':]+): Invoice number ([^']+)'/g)];
    expect(rowLinks).toHaveLength(12);
    for (const [, url, label, number] of rowLinks) {
      const claims = verify(url!.replace(/&amp;/g, '&'));
      expect(claims.invoiceId, `${label} of ${number}`).toBe(byNumber[number!]);
      expect(en.labels.links[claims.action as 'paid']).toBe(label);
    }
    expect(new Set(rowLinks.map(([, , , n]) => n))).toEqual(new Set(['A-1', 'B-2', 'C-3']));

    // Text: the links follow their row's line.
    const blocks = r.text.split(/\n(?=- )/).filter((b) => /^- [A-C]-\d \|/.test(b));
    expect(blocks).toHaveLength(3);
    for (const b of blocks) {
      const number = b.slice(2, b.indexOf(' |'));
      const urls = [...b.matchAll(/^ {2}[^:\n]+: (https:\/\/\S+)$/gm)].map((x) => x[1]!);
      expect(urls.map((u) => verify(u).action), number).toEqual(['paid', 'promise', 'dispute', 'plan']);
      for (const u of urls) expect(verify(u).invoiceId, number).toBe(byNumber[number]);
    }

    // The answer block keeps what is about the customer: who to contact (the lead's link).
    const answer = r.text.slice(r.text.indexOf(en.labels.answerTitle));
    expect(answer).toContain(en.labels.links.contact);
    expect(answer.split('\n\n')[0]).not.toContain(en.labels.links.paid);
  });
});

describe('hostile values', () => {
  const hostile = input({
    language: 'en',
    kind: 'creditHold',
    customer: customer({ name: '<script>alert(1)</script>', billingContact: { name: '"><img src=x onerror=alert(1)>' } }),
    lines: [line({ kind: 'creditHold' }, { number: 'F-1\r\nBcc: x@y.example', paymentReference: '\r\nBcc: x@y' })],
  });
  const m = renderMessage(hostile);

  it('come out escaped in the HTML', () => {
    expect(m.html).not.toContain('<script');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('are stripped of CR, LF and control characters in the subject', () => {
    expect(m.subject).not.toMatch(/[\r\n\u0000-\u001f\u007f]/);
    expect(m.subject).toContain('F-1 Bcc: x@y.example');
  });

  it('never add markup to the HTML, whatever the strings (property)', () => {
    const build = (name: string, contact: string, number: string, ref: string, address: string) =>
      renderMessage(
        input({
          language: 'en',
          tenant: { ...tenant, address },
          customer: customer({ language: 'en', name, billingContact: { name: contact } }),
          lines: [line({}, { number, paymentReference: ref })],
        }),
      ).html;
    const base = build('a', 'a', 'a', 'a', 'a');
    const count = (s: string, c: string) => s.split(c).length - 1;
    // Markup and header characters often, any other code point too; the leading 'a' keeps optional blocks present.
    const char = fc.oneof(fc.constantFrom('<', '>', '"', "'", '&', '/', '=', '`', '{{', '}}', '\r', '\n', '\u0000', '\u2028'), fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)));
    const value = fc.array(char, { maxLength: 40 }).map((chars) => `a${chars.join('')}`);
    fc.assert(
      fc.property(value, value, value, value, value, (...values) => {
        const html = build(...values);
        // User data contributes no markup: every '<', '>' and quote is the layout's own.
        for (const c of ['<', '>', "'", '"']) expect(count(html, c), c).toBe(count(base, c));
      }),
      { numRuns: 200 },
    );
  });
});

describe('SMS', () => {
  const long = input({
    tenant: { ...tenant, name: 'Officine Meccaniche Lombarde Rossi e Figli Società a Responsabilità Limitata' },
    customer: customer({ name: 'C'.repeat(200) }),
    lines: [line({ amountDue: 999_999_999_99, interest: 12_345_67, compensation: 4_000, links: { short: 'https://sol.lc/a1B2c3' } }, { number: 'FT-2026-000000000000000042-BIS' })],
  });

  it('stays within three GSM segments in every language, kind and tone, with the short link last', () => {
    for (const language of LANGS) for (const kind of CUSTOMER_MESSAGE_KINDS) for (const tone of TONES) {
      const sms = renderMessage({ ...long, language, kind, tone, lines: [onPlanIfDue({ ...long.lines[0]!, kind })] }).sms;
      expect(segments(sms), `${language} ${kind} ${tone}: ${sms}`).toBeLessThanOrEqual(3);
      expect(toGsm(sms)).toBe(sms);
      expect(sms.endsWith(' https://sol.lc/a1B2c3')).toBe(true);
      expect(sms.match(/https?:\/\//g)).toHaveLength(1);
    }
  });

  it('keeps the short link whole under the API endpoint, the longest base a deployment has, in every language, kind and tone', () => {
    const short = 'https://a1b2c3d4e5.execute-api.ap-southeast-4.amazonaws.com/s/a1B2c3D4e5';
    expect(short.length).toBeLessThanOrEqual(SHORT_LINK_MAX_LENGTH);
    for (const language of LANGS) for (const kind of CUSTOMER_MESSAGE_KINDS) for (const tone of TONES) {
      const sms = renderMessage({ ...long, language, kind, tone, lines: [onPlanIfDue({ ...long.lines[0]!, kind, links: { short } })] }).sms;
      expect(segments(sms), `${language} ${kind} ${tone}: ${sms}`).toBeLessThanOrEqual(3);
      expect(sms.endsWith(` ${short}`)).toBe(true);
    }
  });

  it('leaves out a "short" link longer than SHORT_LINK_MAX_LENGTH: a signed link never goes in a text', () => {
    const signed = `https://pay.example/c/${'A'.repeat(SHORT_LINK_MAX_LENGTH)}.sig`;
    const sms = renderMessage(input({ lines: [line({ links: { short: signed } })] })).sms;
    expect(sms).not.toMatch(/https?:/);
  });

  it('never carries a long signed link, and turns Romanian letters into GSM ones', () => {
    const sms = renderMessage(input({ language: 'ro', kind: 'creditHold', customer: customer({ language: 'ro' }) })).sms;
    expect(sms).not.toMatch(/https?:/);
    expect(sms).not.toMatch(/[ăâîșțĂÂÎȘȚ\u00a0]/);
    expect(toGsm('Mulțumim, întârziere de 5 zile')).toBe('Multumim, intarziere de 5 zile');
  });
});

describe('renderCallSheet', () => {
  it("gives talking points in the finance team's language", () => {
    const sheet = renderCallSheet(input({ kind: 'phoneCall', tone: 'firm', language: 'it', lines: [line({ kind: 'phoneCall' })] }));
    expect(plain(sheet.summary)).toContain('1.234,56 €');
    expect(sheet.summary).toContain('FT-2026-0042');
    const all = sheet.talkingPoints.join('\n');
    expect(all).toContain('10 marzo 2026'); // the promise they made
    expect(all).toMatch(/consegnat/); // delivered as agreed
    expect(all).toMatch(/30 giorni/); // generous terms
    expect(all).toContain('Pays after the 10th of the month'); // sales note
    expect(all).toContain('Giulia Verdi');
  });

  it('does not claim the work was undisputed when the invoice carries a dispute', () => {
    const disputed = line({ kind: 'phoneCall' }, { dispute: { reason: 'goods', text: 'broken', openedAt: '2026-03-01T10:00:00Z' } });
    const sheet = renderCallSheet(input({ kind: 'phoneCall', language: 'en', lines: [disputed], facts: {} }));
    expect(sheet.talkingPoints.join('\n')).not.toMatch(/delivered as agreed/);
  });
});

describe('renderNotice', () => {
  it('tells the sales rep of a credit hold, in each language', () => {
    for (const language of LANGS) {
      const n = renderNotice('creditHold', language, {
        recipient: 'Marco',
        customerName: 'Cliente Bianchi SpA',
        invoiceNumber: 'FT-1',
        currency: 'EUR',
        amountDue: 123_456,
        daysLate: 34,
        financeEmail: 'crediti@officinerossi.example',
      });
      expect(n.subject).toContain('Cliente Bianchi SpA');
      expect(plain(n.text)).toContain(EXPECTED[language].amount);
      expect(n.html).toContain('FT-1');
    }
  });

  it("tells finance of a customer's answer, with the promised date in the team's time zone and words", () => {
    const n = renderNotice('customerAnswered', 'it', {
      customerName: '<b>Bianchi</b>',
      invoiceNumber: 'FT-1',
      answer: 'promise',
      promiseDate: '2026-04-01',
      at: '2026-03-19T23:30:00Z',
      timeZone: 'Europe/Rome',
      detail: 'pagheremo\r\ncon bonifico',
    });
    expect(n.subject).toContain('1 aprile 2026');
    expect(n.subject).not.toMatch(/[\r\n]/);
    expect(n.text).toContain('20 mar 2026');
    expect(n.html).not.toContain('<b>');
    expect(n.html).toContain('&lt;b&gt;Bianchi&lt;/b&gt;');
  });

  it('asks finance to fix a bounced contact', () => {
    const n = renderNotice('contactBounced', 'en', { customerName: 'Bianchi', channel: 'email', address: 'ap@bianchi.example', reason: 'mailbox does not exist' });
    expect(n.subject).toMatch(/Bianchi/);
    expect(n.text).toContain('ap@bianchi.example');
    expect(n.text).toContain('mailbox does not exist');
  });
});

describe('the payment QR code (EPC069-12)', () => {
  it('shows the inline image with its caption where the e-mail has one, and hands the payload back', () => {
    const m = renderMessage(input({ paymentQrSrc: 'cid:payment-qr' }));
    expect(m.html).toContain("<img src='cid:payment-qr'");
    expect(m.paymentQr?.split('\n')).toEqual(['BCD', '002', '1', 'SCT', '', tenant.name, 'IT60X0542811101000000123456', 'EUR1234.56', '', 'RF18539007547034']);
    // The same data as text stays in "how to pay".
    expect(m.text).toContain('RF18539007547034');
  });

  it('shows none without an image source, for a non-euro debt, or on the thank-you', () => {
    expect(renderMessage(input()).html).not.toContain('cid:');
    expect(renderMessage(input()).paymentQr).toBeUndefined();
    const gbp = renderMessage(input({ paymentQrSrc: 'cid:payment-qr', lines: [line({}, { currency: 'GBP' })] }));
    expect(gbp.paymentQr).toBeUndefined();
    expect(gbp.html).not.toContain('cid:');
  });

  it('covers a statement with the total and the references as text', () => {
    const m = renderMessage(
      input({ kind: 'secondOverdue', paymentQrSrc: 'cid:payment-qr', lines: [line({ kind: 'secondOverdue' }), line({ kind: 'secondOverdue', amountDue: 10_000 }, { invoiceId: 'INV-2', number: 'B2', paymentReference: 'REF-B2' })] }),
    );
    const fields = m.paymentQr!.split('\n');
    expect(fields[7]).toBe('EUR1334.56');
    expect(fields[9]).toBe('');
    expect(fields[10]!.split(' ').sort()).toEqual(['REF-B2', 'RF18539007547034']);
  });
});

describe('one voice: what a statement carries', () => {
  const en = (over: Partial<RenderInput>) => renderMessage(input({ language: 'en', ...over }));
  const paid = (n: string) => line({ kind: 'thankYou', amountDue: 0, daysLate: 0, links: {} }, { invoiceId: n, number: n, status: 'paid', amountPaid: 50_000, amount: 50_000 });

  it('states each overdue invoice’s interest and compensation in a firm statement, and the totals per currency', () => {
    const r = en({
      kind: 'creditHold',
      lines: [
        line({ kind: 'creditHold', interest: 1_234, compensation: 4_000 }, { invoiceId: 'A', number: 'A-1' }),
        line({ kind: 'creditHold', amountDue: 90_000, compensation: 4_000 }, { invoiceId: 'B', number: 'B-1', currency: 'GBP' }),
      ],
    });
    expect(r.subject).toBe('Final notice: overdue invoices and your credit line');
    expect(plain(r.text)).toMatch(/A-1 .*Late-payment interest to 20 March 2026: €12\.34; Fixed compensation for recovery costs: €40\.00; Total now due: €1,286\.90/);
    expect(plain(r.text)).toMatch(/Total in GBP: £900\.00/);
  });

  it('lists what goes to the agency apart from what stays open', () => {
    const r = en({ kind: 'escalation', lines: [line({ kind: 'escalation' }, { invoiceId: 'A', number: 'A-1' }), line({ kind: 'secondOverdue', daysLate: 15 }, { invoiceId: 'B', number: 'B-1' })] });
    const text = r.text;
    expect(text.indexOf('Handed over for collection')).toBeLessThan(text.indexOf('A-1'));
    expect(text.indexOf('Also open')).toBeGreaterThan(text.indexOf('A-1'));
    expect(text.indexOf('Also open')).toBeLessThan(text.lastIndexOf('B-1'));
  });

  it('thanks for several invoices in one message, and thanks in passing without counting the paid ones as owed', () => {
    const thanks = en({ kind: 'thankYou', lines: [paid('P-1'), paid('P-2')] });
    expect(thanks.subject).toBe('Payment received: 2 invoices settled');
    expect(plain(thanks.text)).toContain('payment of €1,000.00 for invoices P-1, P-2');

    const along = en({ kind: 'dueDate', lines: [line({ kind: 'dueDate', daysLate: 0 }, { invoiceId: 'A', number: 'A-1' }), paid('P-1')] });
    expect(plain(along.text)).toContain('Thank you for your payment of P-1');
    expect(plain(along.text)).toMatch(/Paid, thank you\n- P-1/);
    expect(plain(along.text)).toMatch(/1 invoices for a total of €1,234\.56/);
  });

  it('speaks of a broken promise for several open invoices', () => {
    const r = en({ kind: 'brokenPromise', facts: { promiseDate: '2026-03-10' }, lines: [line({ kind: 'brokenPromise' }, { invoiceId: 'A', number: 'A-1' }), line({}, { invoiceId: 'B', number: 'B-1' })] });
    expect(r.subject).toBe('Payment not received as promised: statement of open invoices');
    expect(plain(r.text)).toContain('The payment you promised for 10 March 2026 has not reached us.');
  });
});

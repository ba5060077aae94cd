import { describe, expect, it } from 'vitest';
import { parseAnswer, type FieldError } from '../../lambdas/domain/messages/customer-forms.js';
import { pageStrings } from '../../lambdas/domain/messages/page-strings.js';
import { PAGE_HEADERS } from '../../lambdas/site/headers.js';
import { negotiateLanguage } from '../../lambdas/site/language.js';
import { renderPage } from '../../lambdas/site/pages/render.js';
import type { LandingPage } from '../../lambdas/site/pages/types.js';
import { createHash } from 'node:crypto';

const ctx = { today: '2026-03-10', country: 'IT' };
const errorsOf = (r: ReturnType<typeof parseAnswer>): FieldError[] => (r.ok ? [] : r.errors);

describe('reading the forms', () => {
  it('"I have paid": everything optional; the date not in the future nor too old', () => {
    expect(parseAnswer('paid', {}, ctx)).toEqual({ ok: true, answer: { action: 'paid', input: {} } });
    expect(parseAnswer('paid', { paidOn: '2026-03-10', reference: '  CRO   123 ', note: 'ok\r\nthanks' }, ctx)).toEqual({
      ok: true,
      answer: { action: 'paid', input: { paidOn: '2026-03-10', reference: 'CRO 123', note: 'ok\nthanks' } },
    });
    expect(errorsOf(parseAnswer('paid', { paidOn: '2026-03-11' }, ctx))).toEqual([{ field: 'paidOn', code: 'date_in_future' }]);
    expect(errorsOf(parseAnswer('paid', { paidOn: '2025-01-01' }, ctx))).toEqual([{ field: 'paidOn', code: 'date_too_old' }]);
    expect(errorsOf(parseAnswer('paid', { paidOn: '2026-02-30' }, ctx))).toEqual([{ field: 'paidOn', code: 'invalid_date' }]);
    expect(errorsOf(parseAnswer('paid', { paidOn: '10/03/2026' }, ctx))).toEqual([{ field: 'paidOn', code: 'invalid_date' }]);
    expect(errorsOf(parseAnswer('paid', { reference: 'x'.repeat(141) }, ctx))).toEqual([{ field: 'reference', code: 'too_long', params: { max: 140 } }]);
  });

  it('"I will pay on": a date from today to 60 days ahead', () => {
    expect(parseAnswer('promise', { date: '2026-03-10' }, ctx)).toMatchObject({ ok: true });
    expect(parseAnswer('promise', { date: '2026-05-09' }, ctx)).toMatchObject({ ok: true });
    expect(errorsOf(parseAnswer('promise', { date: '2026-05-10' }, ctx))).toEqual([{ field: 'date', code: 'date_too_far', params: { max: '2026-05-09' } }]);
    expect(errorsOf(parseAnswer('promise', { date: '2026-03-09' }, ctx))).toEqual([{ field: 'date', code: 'date_in_past' }]);
    expect(errorsOf(parseAnswer('promise', {}, ctx))).toEqual([{ field: 'date', code: 'required' }]);
  });

  it('"There is a problem": a known reason and a description, every problem reported at once', () => {
    expect(parseAnswer('dispute', { reason: 'amount', text: 'Charged twice' }, ctx)).toEqual({ ok: true, answer: { action: 'dispute', input: { reason: 'amount', text: 'Charged twice' } } });
    expect(errorsOf(parseAnswer('dispute', { reason: 'delete-everything' }, ctx))).toEqual([
      { field: 'reason', code: 'invalid_choice' },
      { field: 'text', code: 'required' },
    ]);
  });

  it('"payment plan": instalments from the list only', () => {
    expect(parseAnswer('plan', { instalments: '6' }, ctx)).toEqual({ ok: true, answer: { action: 'plan', input: { instalments: 6 } } });
    expect(parseAnswer('plan', {}, ctx)).toEqual({ ok: true, answer: { action: 'plan', input: {} } });
    for (const bad of ['1', '13', '2.5', 'three']) expect(errorsOf(parseAnswer('plan', { instalments: bad }, ctx))).toEqual([{ field: 'instalments', code: 'instalment_count' }]);
  });

  it('"someone else": a name and a way to reach them; phones to E.164 with the customer country', () => {
    expect(parseAnswer('contact', { name: 'Giulia Verdi', phone: '347 123 4567' }, ctx)).toEqual({
      ok: true,
      answer: { action: 'contact', input: { contact: { name: 'Giulia Verdi', phone: '+393471234567' } } },
    });
    expect(parseAnswer('contact', { name: 'Ion', phone: '+40 721 234 567', email: 'Ion@Firma.RO' }, ctx)).toMatchObject({
      ok: true,
      answer: { input: { contact: { email: 'ion@firma.ro', phone: '+40721234567' } } },
    });
    expect(errorsOf(parseAnswer('contact', { name: 'Ion' }, ctx))).toEqual([{ field: 'email', code: 'contact_unreachable' }]);
    expect(errorsOf(parseAnswer('contact', { name: '', email: 'not-an-address', phone: '12' }, ctx))).toEqual([
      { field: 'name', code: 'required' },
      { field: 'email', code: 'invalid_email' },
      { field: 'phone', code: 'invalid_phone' },
    ]);
  });
});

describe('the pages', () => {
  const landing: LandingPage = {
    kind: 'landing',
    lang: 'en',
    supplier: { name: 'Officine "Rossi" & Figli', email: 'crediti@rossi.example', iban: 'IT60X0542811101000000123456', country: 'IT' },
    invoice: { number: '2026/42', customerName: '<b>Bianchi</b>', issueDate: '2026-01-10', dueDate: '2026-02-09', currency: 'EUR', amount: 123_456, amountPaid: 0, status: 'open' },
    action: 'promise',
    csrf: 'csrf-token',
    today: '2026-03-10',
    customerCountry: 'IT',
    others: [],
  };

  it('escapes every value and shows the amount the way the locale writes it', () => {
    const html = renderPage(landing);
    expect(html).toContain('Officine &quot;Rossi&quot; &amp; Figli');
    expect(html).toContain('&lt;b&gt;Bianchi&lt;/b&gt;');
    expect(html).not.toContain('<b>Bianchi');
    expect(html).toContain('€1,234.56');
  });

  it('allows exactly its own inline style and script by hash (no unsafe-inline)', () => {
    const html = renderPage(landing);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(PAGE_HEADERS['content-security-policy']).toContain(`style-src ${hash(style)}`);
    expect(PAGE_HEADERS['content-security-policy']).toContain(`script-src ${hash(script)}`);
    expect(PAGE_HEADERS['content-security-policy']).not.toContain('unsafe');
  });

  it('shows errors next to their fields and in a summary that links to them', () => {
    const html = renderPage({ ...landing, values: { date: '2026-09-01' }, errors: [{ field: 'date', code: 'date_too_far', params: { max: '2026-05-09' } }] });
    expect(html).toContain('<a href="#f-date">Payment date: Choose a day on or before 9 May 2026.</a>');
    expect(html).toMatch(/id="f-date" name="date" value="2026-09-01"[^>]*aria-describedby="f-date-hint f-date-error" aria-invalid="true"/);
  });

  it('every language has every word the English file has', () => {
    const keys = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${p}${k}.`) : [`${p}${k}`]));
    const en = keys(pageStrings('en')).sort();
    expect(keys(pageStrings('it')).sort()).toEqual(en);
    expect(keys(pageStrings('ro')).sort()).toEqual(en);
  });

  it('picks the page language from Accept-Language among it, en, ro', () => {
    expect(negotiateLanguage('ro-RO,ro;q=0.9,en;q=0.8', 'it')).toBe('ro');
    expect(negotiateLanguage('de-DE,de;q=0.9,en;q=0.5', 'it')).toBe('en');
    expect(negotiateLanguage('de-DE', 'it')).toBe('it');
    expect(negotiateLanguage('en;q=0.1, it;q=0.8', 'ro')).toBe('it');
    expect(negotiateLanguage(undefined, 'ro')).toBe('ro');
  });
});

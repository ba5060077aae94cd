/** The what-if page: self-contained, escaped, both playbooks side by side, the defaults said out loud. */
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { Customer, type Policy } from '../../lambdas/domain/model.js';
import { whatIf } from '../../lambdas/domain/simulation/compare.js';
import { DEFAULT_CONTACT_LIMIT, DEFAULT_SMS_PRICE } from '../../lambdas/domain/simulation/metrics.js';
import { defaultResponseModel } from '../../lambdas/domain/simulation/response-model.js';
import { whatIfPage } from '../../lambdas/domain/simulation/what-if-page.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { invoiceOf } from '../support/fixtures.js';

const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'Bianchi', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@bianchi.example', phone: '+393471234567' });
const hostile: Policy = { ...BUILT_IN_POLICIES.firm, id: 'firm-copy', name: '<script>alert("x")</script> & co' };
const result = whatIf({
  scope: { kind: 'period', from: '2026-01-01', to: '2026-01-31' },
  cases: [{ invoice: invoiceOf({ tenantId: 't', invoiceId: 'A' }), customer, start: new Date('2026-01-15T07:00:00Z') }],
  policies: [{ policy: BUILT_IN_POLICIES.relationship, source: 'built-in' }, { policy: hostile, source: 'inline' }],
  model: defaultResponseModel(),
  options: { contactLimit: DEFAULT_CONTACT_LIMIT, smsPrice: DEFAULT_SMS_PRICE },
  now: new Date('2026-02-01T00:00:00Z'),
});
const html = whatIfPage(result, 'Officine <Rossi>');

describe('whatIfPage', () => {
  it('escapes every text that comes from the data', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('Officine &lt;Rossi&gt;');
  });

  it('is self-contained: no script, no external resource; the language is set', () => {
    expect(html).toMatch(/<html lang="en">/);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('shows both playbooks, the charts, and which stages kept the default curve', () => {
    expect(html).toContain('relationship');
    expect(html).toContain('firm-copy');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('default response curve');
    expect(html).toContain('default (no invoice reached it; 20 needed)');
  });

  it("speaks the finance team's language: its words, its numbers and its stage names", () => {
    const italian = whatIfPage(result, 'Officine Rossi', 'it');
    expect(italian).toMatch(/<html lang="it">/);
    expect(italian).toContain('<h2>Fianco a fianco</h2>');
    expect(italian).toContain('Fatture ripercorse');
    expect(italian).toContain('Prima di ogni sollecito');
    expect(italian).toContain('predefinita (nessuna fattura l’ha raggiunta; ne servono 20)');
    expect(italian).not.toContain('Side by side');
    // Italian amounts: "0,08 €", not "€0.08".
    expect(italian).toMatch(/Costo degli SMS \(0,08\s€ l’uno\)/);
    const ro = whatIfPage(result, 'Officine Rossi', 'ro');
    expect(ro).toMatch(/<html lang="ro">/);
    expect(ro).toContain('Facturi reluate');
  });

  it('is valid HTML in every language', async () => {
    for (const page of [html, whatIfPage(result, 'Officine Rossi', 'it'), whatIfPage(result, 'Officine Rossi', 'ro')]) {
      const report = await new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'no-inline-style': 'off' } }).validateString(page);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    }
  });
});

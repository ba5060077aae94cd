import { describe, expect, it } from 'vitest';
import Mustache, { type TemplateSpans } from 'mustache';
import { Tenant, LANGUAGES, TONES } from '../../lambdas/domain/model.js';
import {
  KNOWN_PLACEHOLDERS,
  checkWordingOverride,
  checkWordingSet,
  sampleRenderInput,
} from '../../lambdas/domain/messages/wording-override.js';
import { WORDING_KINDS, mergeWording, overrideFor, type WordingOverride } from '../../lambdas/domain/messages/wording.js';
import { kindOf } from '../../lambdas/domain/ingest/document-keys.js';
import { readWordingFile } from '../../lambdas/domain/ingest/wording-file.js';
import { buildContext } from '../../lambdas/domain/messages/rendering/context.js';
import { renderMessage } from '../../lambdas/domain/messages/rendering/render.js';
import en from '../../templates/en.json' with { type: 'json' };
import it_ from '../../templates/it.json' with { type: 'json' };
import ro from '../../templates/ro.json' with { type: 'json' };

const tenant = Tenant.parse({
  tenantId: 't1',
  name: 'Officine Rossi & Figli S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['finance@officinerossi.example'],
});

const good = {
  kind: 'preDue',
  tone: 'standard',
  language: 'en',
  subject: 'Invoice {{invoiceNumber}} falls due on {{dueDate}}',
  body: [
    'Our invoice {{invoiceNumber}} of {{issueDate}} for {{amountDue}} falls due on {{dueDate}}.',
    'Please pay to {{iban}} quoting {{paymentReference}}.{{#hasClaim}} Interest so far: {{interest}}.{{/hasClaim}}',
  ],
  sms: '{{supplierShort}}: invoice {{invoiceShort}}, {{amountDue}}, due {{dueDateShort}}.',
};

const namesIn = (text: string): string[] => {
  const out: string[] = [];
  const walk = (ts: TemplateSpans) => ts.forEach(([type, value, , , children]) => {
    if (type !== 'text' && type !== '!') out.push(value);
    if (Array.isArray(children)) walk(children);
  });
  walk(Mustache.parse(text));
  return out;
};
const stringsOf = (x: unknown): string[] =>
  typeof x === 'string' ? [x] : Array.isArray(x) ? x.flatMap(stringsOf) : x && typeof x === 'object' ? Object.values(x).flatMap(stringsOf) : [];

describe('the placeholders an override may use', () => {
  it('include every one the built-in message and statement words use, in every language', () => {
    for (const strings of [en, it_, ro]) {
      const used = new Set(stringsOf([strings.messages, strings.statement]).flatMap(namesIn));
      expect([...used].filter((n) => !(KNOWN_PLACEHOLDERS as readonly string[]).includes(n))).toEqual([]);
    }
  });

  it('are each a fact the renderer fills', () => {
    const vars = buildContext(sampleRenderInput('brokenPromise', 'firm', 'it', tenant)).vars;
    expect(KNOWN_PLACEHOLDERS.filter((p) => !Object.hasOwn(vars, p))).toEqual([]);
  });
});

describe('checkWordingOverride', () => {
  it('accepts an override naming every fact, and previews it on the sample invoice', () => {
    const r = checkWordingOverride(good, tenant);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.preview.subject).toMatch(/^Invoice FT-2026-0042 falls due on /);
    expect(r.preview.text).toContain('Please pay to IT60 X054 2811 1010 0000 0123 456 quoting RF18539007547034.');
    // Filled as text, escaped once by the layout: the company's own "&" as in the built-ins.
    expect(r.preview.html).toContain('Officine Rossi &amp; Figli S.r.l.');
    expect(r.preview.html).not.toContain('Officine Rossi & Figli');
  });

  it('refuses a missing IBAN placeholder, an unknown placeholder, unescaped tags and markup, listing every reason with its path', () => {
    const r = checkWordingOverride(
      {
        ...good,
        subject: 'Invoice {{invoiceNumber}} <b>overdue</b>',
        body: ['Invoice {{invoiceNumber}} of {{issueDate}}, {{{amountDue}}} due {{dueDate}}.', 'Pay {{bankAccount}} quoting {{paymentReference}} {{&x}}.'],
        sms: 'Pay &amp; smile {{>partial}}',
      },
      tenant,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { path: 'subject', why: expect.stringMatching(/markup/) },
      { path: 'body.0', placeholder: 'amountDue', why: expect.stringMatching(/would not be escaped/) },
      { path: 'body.1', placeholder: 'bankAccount', why: 'unknown placeholder {{bankAccount}}' },
      { path: 'body.1', placeholder: 'x', why: expect.stringMatching(/would not be escaped/) },
      { path: 'sms', why: expect.stringMatching(/markup or entities/) },
      { path: 'sms', placeholder: 'partial', why: expect.stringMatching(/partials/) },
      { path: 'body', placeholder: 'amountDue', why: expect.stringMatching(/amount due is missing/) },
      { path: 'body', placeholder: 'iban', why: expect.stringMatching(/IBAN is missing: name \{\{iban\}\}/) },
    ]);
  });

  it('does not count a fact named only inside a section, which may render nothing', () => {
    const r = checkWordingOverride({ ...good, body: [good.body[0], '{{#hasClaim}}Pay to {{iban}}.{{/hasClaim}} Reference {{paymentReference}}.'] }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ path: 'body', placeholder: 'iban' })]);
  });

  it('refuses an unclosed section and a section over an unknown name', () => {
    const r = checkWordingOverride({ ...good, body: [...good.body, '{{#hasClaim}}open', '{{#vip}}dear friend{{/vip}}'] }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual([
        { path: 'body.2', why: expect.stringMatching(/not a valid template: Unclosed section "hasClaim"/) },
        { path: 'body.3', placeholder: 'vip', why: 'unknown placeholder {{#vip}}' },
      ]);
    }
  });

  it('asks a thank-you for the invoice number only', () => {
    const r = checkWordingOverride({ kind: 'thankYou', tone: 'gentle', language: 'it', subject: 'Grazie!', body: ['Abbiamo ricevuto {{paymentAmount}} per la fattura {{invoiceNumber}}.'] }, tenant);
    expect(r.ok).toBe(true);
  });

  it('refuses an SMS that would not fit three segments with its link once filled on the sample', () => {
    const r = checkWordingOverride({ ...good, sms: `{{supplierName}} ${'x'.repeat(420)}` }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ path: 'sms', why: expect.stringMatching(/^450 characters on the sample invoice: at most \d+/) }]);
  });

  it('lists schema problems with their paths', () => {
    const r = checkWordingOverride({ ...good, kind: 'phoneCall', tone: 'rude', body: [] }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path).sort()).toEqual(['body', 'kind', 'tone']);
  });

  it('lists the text problems of a malformed override beside its schema problems', () => {
    const r = checkWordingOverride({ ...good, tone: 'rude', subject: 'x'.repeat(201), body: ['{{{amountDue}}}', 42] }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.path).sort()).toEqual(['body.0', 'body.1', 'subject', 'tone']);
      expect(r.problems.find((p) => p.path === 'body.0')!.why).toMatch(/would not be escaped/);
    }
  });

  it('finds in the built-in words of every kind, tone and language nothing to refuse but the facts they leave to the layout', () => {
    for (const [language, strings] of [['en', en], ['it', it_], ['ro', ro]] as const) {
      for (const kind of WORDING_KINDS) {
        for (const tone of TONES) {
          const v = strings.messages[kind][tone];
          const r = checkWordingOverride({ kind, tone, language, ...v }, tenant);
          const other = r.ok ? [] : r.problems.filter((p) => !/is missing: name/.test(p.why));
          expect(other, `${language} ${kind} ${tone}`).toEqual([]);
        }
      }
    }
  });
});

describe('checkWordingSet', () => {
  const words = { subject: good.subject, body: good.body };
  it('accepts a kind and tone in several languages, with a preview in each', () => {
    const r = checkWordingSet({ kind: 'preDue', tone: 'standard', languages: { en: words, it: { ...words, subject: 'Fattura {{invoiceNumber}} in scadenza il {{dueDate}}' } } }, tenant);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.overrides.map((o) => o.language)).toEqual(['en', 'it']);
    expect(r.previews.it!.subject).toMatch(/^Fattura FT-2026-0042 in scadenza il \d+ marzo 2026$/);
    expect(r.previews.it!.text).toContain('IBAN');
  });

  it('refuses the whole set when one language is wrong, naming the language in the path', () => {
    const r = checkWordingSet({ kind: 'preDue', tone: 'standard', languages: { en: words, ro: { ...words, body: ['{{invoiceNumber}}'] } } }, tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(new Set(r.problems.map((p) => p.path))).toEqual(new Set(['languages.ro.body']));
  });

  it('refuses an unknown language and an empty set', () => {
    const bad = checkWordingSet({ kind: 'preDue', tone: 'standard', languages: { de: words } }, tenant);
    const empty = checkWordingSet({ kind: 'preDue', tone: 'standard', languages: {} }, tenant);
    expect(bad.ok || empty.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]!.path).toMatch(/^languages/);
    if (!empty.ok) expect(empty.problems).toEqual([{ path: 'languages', why: expect.stringMatching(/at least one language/) }]);
  });
});

describe('rendering with overrides', () => {
  const override: WordingOverride = { kind: 'preDue', tone: 'standard', language: 'en', subject: 'Ours: {{invoiceNumber}}', body: ['Dear {{customerName}}, {{amountDue}} by {{dueDate}}.'] };
  const sample = sampleRenderInput('preDue', 'standard', 'en', tenant);

  it('uses the override of its kind, tone and language, the built-in SMS where the override has none', () => {
    const builtIn = renderMessage(sample);
    const own = renderMessage({ ...sample, customer: { ...sample.customer, name: 'Bianchi <Ltd>' }, overrides: [override] });
    expect(own.subject).toBe('Ours: FT-2026-0042');
    expect(own.text).toContain('Dear Bianchi <Ltd>, ');
    expect(own.html).toContain('Dear Bianchi &lt;Ltd&gt;, ');
    expect(own.sms).toBe(builtIn.sms);
    // The layout is the built-in one: the pay block still shows the IBAN.
    expect(own.text).toContain('IT60 X054 2811 1010 0000 0123 456');
  });

  it('leaves every other kind, tone and language with the built-in words', () => {
    for (const other of [{ ...sample, tone: 'firm' as const }, { ...sample, language: 'it' as const }, sampleRenderInput('dueDate', 'standard', 'en', tenant)]) {
      expect(renderMessage({ ...other, overrides: [override] })).toEqual(renderMessage(other));
    }
  });

  it('keeps the built-in statement subject and opening for several invoices, the override\'s later paragraphs after it', () => {
    const two = { ...override, body: ['Opening about {{invoiceNumber}}.', 'Our own closing words.'] };
    const second = { ...sample.lines[0]!, invoice: { ...sample.lines[0]!.invoice, invoiceId: 'SAMPLE-2', number: 'FT-2026-0043' } };
    const statement = { ...sample, lines: [sample.lines[0]!, second] };
    const own = renderMessage({ ...statement, overrides: [two] });
    expect(own.subject).toBe(renderMessage(statement).subject);
    expect(own.text).not.toContain('Opening about');
    expect(own.text).toContain('Our own closing words.');
  });

  it('merges and finds overrides by their key', () => {
    expect(overrideFor([override], 'preDue', 'standard', 'en')).toBe(override);
    expect(overrideFor([override], 'preDue', 'standard', 'it')).toBeUndefined();
    expect(mergeWording({ subject: 's', body: ['b'], sms: 'x' }, { subject: 'S', body: ['B'], sms: 'X' })).toEqual({ subject: 'S', body: ['B'], sms: 'X' });
    expect(LANGUAGES).toContain(override.language);
  });
});

describe('a wording file (config/templates/<kind>.<tone>.json)', () => {
  const words = { subject: good.subject, body: good.body };
  it('is the wording kind of document, and only under config/templates/ as .json', () => {
    expect(['config/templates/preDue.firm.json', 'config/templates/preDue.firm.txt', 'config/preDue.firm.json'].map(kindOf)).toEqual(['wording', 'ignored', 'ignored']);
  });

  it('takes kind and tone from its name and every language from its body, paths starting at the language', () => {
    const ok = readWordingFile('config/templates/preDue.gentle.json', { en: words, ro: words }, tenant, new Date('2026-03-20T09:00:00Z'));
    expect(ok.ok && ok.overrides.map((o) => `${o.kind}.${o.tone}.${o.language}`)).toEqual(['preDue.gentle.en', 'preDue.gentle.ro']);
    const bad = readWordingFile('config/templates/preDue.loud.json', { en: { ...words, body: ['{{iban}}'] } }, tenant, new Date());
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.rejections).toEqual([{ field: 'file', reason: expect.stringMatching(/^the tone in the file name: /) }]);
    const notObject = readWordingFile('config/templates/preDue.firm.json', [], tenant, new Date());
    expect(notObject.ok).toBe(false);
    if (!notObject.ok) expect(notObject.rejections.map((r) => r.field)).toEqual(['file']);
  });
});

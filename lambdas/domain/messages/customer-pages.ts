/**
 * The pages a customer lands on from a reminder's links: server-rendered HTML that works without
 * JavaScript, in the customer's language (words in templates/pages/<lang>.json), branded with the
 * supplier's name. Every value goes through Mustache's {{ }} escaping; the only inline style and
 * script are fixed strings whose hashes the Content-Security-Policy allows (no 'unsafe-inline').
 * The one script is a progressive enhancement: "copy" buttons next to the IBAN and the reference.
 * Pure: the caller passes everything in, including `today`.
 */
import { createHash } from 'node:crypto';
import Mustache from 'mustache';
import { electronicFormatIBAN, friendlyFormatIBAN } from 'ibantools';
import en from '../../../templates/pages/en.json' with { type: 'json' };
import it from '../../../templates/pages/it.json' with { type: 'json' };
import ro from '../../../templates/pages/ro.json' with { type: 'json' };
import { LINK_PROMISE_HORIZON_DAYS, LIMITS, REQUESTABLE_INSTALMENTS, type AnswerAction, type FieldError } from './customer-forms.js';
import { DISPUTE_REASONS, LANGUAGES, type InvoiceStatus, type Language } from '../model.js';
import type { LinkAction } from './links.js';
import { formatDate, formatMoney } from '../shared/format.js';
import { fillHtml, fillText } from '../reports/report-strings.js';
import { escapeHtml } from '../shared/html.js';
import { addDays } from '../shared/days.js';

export type PageStrings = typeof en;
// Type-checked: every language has every key the English file has.
const STRINGS: Record<Language, PageStrings> = { en, it, ro };
export const pageStrings = (lang: Language): PageStrings => STRINGS[lang] ?? STRINGS.en;

// ---------------------------------------------------------------------------------------------
// style, script and the headers that go with them

const CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#f4f5f7}
body{margin:0}
.wrap{max-width:40rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#0b3d91;padding:.5rem}
.skip:focus{left:.5rem}
.top{background:#0b3d91;color:#fff;padding:1rem 0}
.brand{font-size:1.25rem;font-weight:700;margin:0}
.sub{margin:0;font-size:.95rem}
main{padding:1rem 1rem 2rem}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
.card{background:#fff;border:1px solid #c9ced6;border-radius:.5rem;padding:1rem;margin:1rem 0}
.facts{margin:0;display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.25rem 1rem}
.facts dt{color:#4a4f57}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.due{font-size:1.2rem}
.copyable{font-family:ui-monospace,Menlo,Consolas,monospace;user-select:all;-webkit-user-select:all}
.hint{color:#4a4f57;font-size:.95rem;margin:.25rem 0}
.note{background:#e8f0fe;border-left:4px solid #0b3d91;padding:.75rem;margin:1rem 0}
.field{margin:0 0 1rem}
label,legend{display:block;font-weight:600;margin-bottom:.25rem}
fieldset{border:0;margin:0 0 1rem;padding:0}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.choice label{font-weight:400;margin:0}
input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #5f6670;border-radius:.35rem;background:#fff;color:#1a1a1a}
input[type=radio]{flex:none;width:1.25rem;height:1.25rem;margin:.15rem 0 0}
textarea{min-height:7rem}
[aria-invalid=true]{border-color:#b00020}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
.errors{border:3px solid #b00020;background:#fff;padding:1rem;margin:1rem 0}
.errors a{color:#b00020}
button{font:inherit;cursor:pointer;border-radius:.35rem}
.primary{background:#0b3d91;color:#fff;border:2px solid #0b3d91;padding:.7rem 1.4rem;font-weight:700;min-height:2.75rem}
.copy{margin-left:.5rem;background:#fff;color:#0b3d91;border:2px solid #0b3d91;padding:.1rem .6rem;font-size:.9rem}
a{color:#0b3d91}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a500;outline-offset:2px}
.others ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem}
.others a{display:inline-block;padding:.5rem .75rem;border:1px solid #0b3d91;border-radius:.35rem;text-decoration:none}
.foot{color:#4a4f57;padding-bottom:2rem}
@media (max-width:30rem){.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.5rem}}
`.trim();

const SCRIPT = `
document.querySelectorAll('[data-copy]').forEach(function(el){
if(!navigator.clipboard)return;
var b=document.createElement('button');b.type='button';b.className='copy';
b.textContent=el.getAttribute('data-copy-label');b.setAttribute('aria-label',el.getAttribute('data-copy-name'));
var s=document.createElement('span');s.setAttribute('role','status');s.className='hint';
b.addEventListener('click',function(){navigator.clipboard.writeText(el.getAttribute('data-copy')).then(function(){s.textContent=el.getAttribute('data-copied-label');});});
el.after(b,s);});
`.trim();

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** Headers of every customer page: nothing cached, nothing framed, no referrer leaking the link. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `style-src ${sha256(CSS)}`,
    `script-src ${sha256(SCRIPT)}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'x-robots-tag': 'noindex, nofollow',
};

// ---------------------------------------------------------------------------------------------
// what a page shows

export interface SupplierInfo {
  name: string;
  email: string;
  phone?: string;
  iban: string;
  bic?: string;
  country: string;
}

export interface InvoiceInfo {
  number: string;
  customerName: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  amount: number;
  amountPaid: number;
  status: InvoiceStatus;
  paymentReference?: string;
  promiseDate?: string;
}

export interface OtherLink {
  action: LinkAction;
  url: string;
}

export interface LandingPage {
  kind: 'landing';
  lang: Language;
  supplier: SupplierInfo;
  invoice: InvoiceInfo;
  action: AnswerAction;
  csrf: string;
  /** The customer's calendar day: bounds of the date inputs. */
  today: string;
  customerCountry: string;
  /** The other answers of the same reminder. */
  others: OtherLink[];
  /** After a refused POST: what was typed, and why it was refused. */
  values?: Record<string, string>;
  errors?: FieldError[];
  /** A refusal of the whole answer (commandErrors code). */
  refusal?: string;
}

export interface DonePage {
  kind: 'done';
  lang: Language;
  supplier: SupplierInfo;
  invoice: InvoiceInfo;
  action: AnswerAction;
  /** paid: the grace days; promise: the date. */
  graceDays?: number;
  promiseDate?: string;
  others: OtherLink[];
}

export const PROBLEMS = ['invalid', 'expired', 'answered', 'form', 'document', 'error'] as const;
export type Problem = (typeof PROBLEMS)[number];

export interface ProblemPage {
  kind: 'problem';
  lang: Language;
  /** Absent when not even the supplier is known (no tenant configured). */
  supplier?: Pick<SupplierInfo, 'name' | 'email' | 'phone'>;
  problem: Problem;
}

export type Page = LandingPage | DonePage | ProblemPage;

/** The page's language: the customer's when known, else the best of Accept-Language, else `fallback`. */
export const negotiateLanguage = (acceptLanguage: string | undefined, fallback: Language): Language => {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: (tag ?? '').trim().slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((x) => (LANGUAGES as readonly string[]).includes(x.lang))?.lang as Language | undefined) ?? fallback;
};

// ---------------------------------------------------------------------------------------------
// templates (markup only: every word comes from the strings)

const LAYOUT = `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>{{title}}</title>
<style>{{{css}}}</style>
</head>
<body>
<a class="skip" href="#main">{{skip}}</a>
<header class="top"><div class="wrap">{{#supplier}}<p class="brand">{{supplier}}</p>{{/supplier}}{{#brandLine}}<p class="sub">{{brandLine}}</p>{{/brandLine}}</div></header>
<main id="main" class="wrap" tabindex="-1">
{{{body}}}
</main>
{{#contact}}<footer class="wrap foot"><p>{{{contact}}}</p></footer>{{/contact}}
{{#script}}<script>{{{script}}}</script>{{/script}}
</body>
</html>
`;

const SUMMARY = `<section class="card" aria-labelledby="invoice-heading">
<h2 id="invoice-heading">{{heading}}</h2>
<dl class="facts">
{{#facts}}<dt>{{label}}</dt><dd{{#strong}} class="due"{{/strong}}>{{value}}</dd>
{{/facts}}</dl>
</section>`;

const PAYMENT = `<section class="card" aria-labelledby="payment-heading">
<h2 id="payment-heading">{{heading}}</h2>
<dl class="facts">
{{#rows}}<dt>{{label}}</dt><dd>{{#copy}}<span class="copyable" data-copy="{{copy}}" data-copy-label="{{copyLabel}}" data-copy-name="{{copyName}}" data-copied-label="{{copiedLabel}}">{{value}}</span>{{/copy}}{{^copy}}{{value}}{{/copy}}</dd>
{{/rows}}</dl>
{{#hint}}<p class="hint">{{hint}}</p>{{/hint}}
</section>`;

const OTHERS = `{{#links.length}}<nav class="card others" aria-labelledby="others-heading">
<h2 id="others-heading">{{heading}}</h2>
<ul>{{#links}}<li><a href="{{url}}">{{label}}</a></li>{{/links}}</ul>
</nav>{{/links.length}}`;

const FORM = `{{#errors.length}}<div class="errors" role="alert" aria-labelledby="errors-heading">
<h2 id="errors-heading">{{errorSummary}}</h2>
<ul>{{#errors}}<li><a href="#{{id}}">{{label}}: {{message}}</a></li>{{/errors}}</ul>
</div>{{/errors.length}}
<form method="post" novalidate>
<input type="hidden" name="csrf" value="{{csrf}}">
{{#fields}}
{{#isRadio}}<fieldset{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}>
<legend id="{{id}}">{{label}}</legend>
{{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
{{#options}}<div class="choice"><input type="radio" id="{{id}}" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}{{#required}} required{{/required}}><label for="{{id}}">{{label}}</label></div>
{{/options}}</fieldset>{{/isRadio}}
{{^isRadio}}<div class="field">
<label for="{{id}}">{{label}}{{^required}} ({{optional}}){{/required}}</label>
{{#hint}}<p class="hint" id="{{id}}-hint">{{hint}}</p>{{/hint}}
{{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
{{#isSelect}}<select id="{{id}}" name="{{name}}"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>
{{#options}}<option value="{{value}}"{{#checked}} selected{{/checked}}>{{label}}</option>
{{/options}}</select>{{/isSelect}}
{{#isTextarea}}<textarea id="{{id}}" name="{{name}}" maxlength="{{maxlength}}"{{#required}} required{{/required}}{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>{{value}}</textarea>{{/isTextarea}}
{{#isInput}}<input type="{{type}}" id="{{id}}" name="{{name}}" value="{{value}}"{{#maxlength}} maxlength="{{maxlength}}"{{/maxlength}}{{#min}} min="{{min}}"{{/min}}{{#max}} max="{{max}}"{{/max}}{{#autocomplete}} autocomplete="{{autocomplete}}"{{/autocomplete}}{{#required}} required{{/required}}{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>{{/isInput}}
</div>{{/isRadio}}
{{/fields}}
<button type="submit" class="primary">{{submit}}</button>
</form>`;

const LANDING = `{{#statusNote}}<p class="note" role="status">{{statusNote}}</p>{{/statusNote}}
<h1>{{title}}</h1>
{{#refusal}}<div class="errors" role="alert"><p>{{refusal}}</p></div>{{/refusal}}
{{#answerable}}<p>{{intro}}</p>{{/answerable}}
{{{summary}}}
{{#answerable}}{{{form}}}{{/answerable}}
{{{payment}}}
{{{others}}}`;

const DONE = `<div role="status"><h1>{{title}}</h1>
<p>{{text}}</p></div>
{{{summary}}}
{{{payment}}}
{{{others}}}`;

const PROBLEM = `<h1>{{title}}</h1>
<p>{{text}}</p>`;

// ---------------------------------------------------------------------------------------------
// rendering

const CLOSED: readonly InvoiceStatus[] = ['paid', 'written_off', 'not_chased', 'escalated'];

interface Field {
  id: string;
  name: string;
  label: string;
  type?: string;
  hint?: string;
  value?: string;
  required?: boolean;
  min?: string;
  max?: string;
  maxlength?: number;
  autocomplete?: string;
  options?: { id: string; value: string; label: string; checked: boolean }[];
  error?: string;
  describedBy?: string;
  isRadio?: boolean;
  isSelect?: boolean;
  isTextarea?: boolean;
  isInput?: boolean;
  optional?: string;
}

const fmtDate = (iso: string, locale: string): string => formatDate(iso, locale, 'long');

const fieldError = (s: PageStrings, e: FieldError | undefined, locale: string): string | undefined => {
  if (!e) return undefined;
  const template = (s.fieldErrors as Record<string, string>)[e.code] ?? s.fieldErrors.required;
  const params = Object.fromEntries(
    Object.entries(e.params ?? {}).map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? fmtDate(v, locale) : v]),
  );
  return fillText(template, params);
};

const formFields = (p: LandingPage, s: PageStrings): Field[] => {
  const a = s.actions;
  const v = p.values ?? {};
  const maxPromise = addDays(p.today, LINK_PROMISE_HORIZON_DAYS);
  const locale = s.locale;
  const fields: Field[] = [];
  switch (p.action) {
    case 'paid':
      fields.push(
        { id: 'f-paidOn', name: 'paidOn', type: 'date', label: a.paid.paidOn, hint: a.paid.paidOnHint, max: p.today, min: addDays(p.today, -120) },
        { id: 'f-reference', name: 'reference', type: 'text', label: a.paid.reference, maxlength: LIMITS.reference },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.paid.note, maxlength: LIMITS.note },
      );
      break;
    case 'promise':
      fields.push(
        { id: 'f-date', name: 'date', type: 'date', label: a.promise.date, hint: fillText(a.promise.dateHint, { max: fmtDate(maxPromise, locale) }), min: p.today, max: maxPromise, required: true },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.promise.note, maxlength: LIMITS.note },
      );
      break;
    case 'dispute':
      fields.push(
        {
          id: 'f-reason',
          name: 'reason',
          isRadio: true,
          label: a.dispute.reason,
          required: true,
          options: DISPUTE_REASONS.map((r) => ({ id: `f-reason-${r}`, value: r, label: a.dispute.reasons[r], checked: v.reason === r })),
        },
        { id: 'f-text', name: 'text', isTextarea: true, label: a.dispute.text, maxlength: LIMITS.text, required: true },
      );
      break;
    case 'plan':
      fields.push(
        {
          id: 'f-instalments',
          name: 'instalments',
          isSelect: true,
          label: a.plan.instalments,
          options: REQUESTABLE_INSTALMENTS.map((n) => ({ id: `f-instalments-${n}`, value: String(n), label: String(n), checked: v.instalments ? v.instalments === String(n) : n === 3 })),
        },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.plan.note, maxlength: LIMITS.note },
      );
      break;
    case 'contact':
      fields.push(
        { id: 'f-name', name: 'name', type: 'text', label: a.contact.name, maxlength: LIMITS.name, required: true, autocomplete: 'name' },
        { id: 'f-email', name: 'email', type: 'email', label: a.contact.email, maxlength: LIMITS.email, autocomplete: 'email' },
        { id: 'f-phone', name: 'phone', type: 'tel', label: a.contact.phone, hint: fillText(a.contact.phoneHint, { country: countryName(p.customerCountry, locale) }), maxlength: LIMITS.phone, autocomplete: 'tel' },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.contact.note, maxlength: LIMITS.note },
      );
      break;
  }
  return fields.map((f) => {
    const err = p.errors?.find((e) => e.field === f.name);
    const error = fieldError(s, err, locale);
    const describedBy = [f.hint ? `${f.id}-hint` : '', error ? `${f.id}-error` : ''].filter(Boolean).join(' ');
    // A radio group's fieldset points at its error, not at a hint.
    const kind = f.isRadio || f.isSelect || f.isTextarea ? {} : { isInput: true };
    return {
      ...f,
      ...kind,
      value: f.isRadio || f.isSelect ? undefined : (v[f.name] ?? ''),
      ...(error ? { error } : {}),
      ...(describedBy ? { describedBy } : {}),
      optional: s.optional,
    };
  });
};

const countryName = (code: string, locale: string): string => {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** Mustache with the five HTML escapes (its default also rewrites / and =, which only makes the markup harder to read). */
const render = (template: string, view: object): string => Mustache.render(template, view, {}, { escape: (v: unknown) => escapeHtml(String(v)) });

const summaryHtml = (inv: InvoiceInfo, s: PageStrings): string => {
  const l = s.locale;
  const money = (m: number) => formatMoney(m, inv.currency, l);
  const due = inv.amount - inv.amountPaid;
  const facts = [
    { label: s.summary.customer, value: inv.customerName },
    { label: s.summary.issueDate, value: fmtDate(inv.issueDate, l) },
    { label: s.summary.dueDate, value: fmtDate(inv.dueDate, l) },
    { label: s.summary.amount, value: money(inv.amount) },
    ...(inv.amountPaid > 0 ? [{ label: s.summary.amountPaid, value: money(inv.amountPaid) }] : []),
    { label: s.summary.amountDue, value: money(Math.max(0, due)), strong: true },
  ];
  return render(SUMMARY, { heading: fillText(s.summary.heading, { number: inv.number }), facts });
};

const paymentHtml = (sup: SupplierInfo, inv: InvoiceInfo, s: PageStrings): string => {
  const p = s.payment;
  const iban = electronicFormatIBAN(sup.iban) ?? sup.iban;
  const reference = inv.paymentReference ?? inv.number;
  const copy = (value: string, label: string) => ({ copy: value, copyLabel: p.copy, copiedLabel: p.copied, copyName: `${p.copy}: ${label}` });
  const rows = [
    { label: p.beneficiary, value: sup.name },
    { label: p.iban, value: friendlyFormatIBAN(iban) ?? iban, ...copy(iban, p.iban) },
    ...(sup.bic ? [{ label: p.bic, value: sup.bic }] : []),
    { label: p.reference, value: reference, ...copy(reference, p.reference) },
  ];
  return render(PAYMENT, { heading: p.heading, rows, hint: p.referenceHint });
};

const othersHtml = (others: OtherLink[], s: PageStrings): string =>
  render(OTHERS, { heading: s.otherAnswers, links: others.map((o) => ({ url: o.url, label: s.actions[o.action].nav })) });

const contactHtml = (sup: Pick<SupplierInfo, 'email' | 'phone'> | undefined, s: PageStrings): string | undefined => {
  if (!sup) return undefined;
  const mail = `<a href="mailto:${escapeHtml(sup.email)}">${escapeHtml(sup.email)}</a>`;
  const tel = sup.phone ? ` ${fillHtml(s.contactUsPhone, { phone: '\u0000' }).replace('\u0000', `<a href="tel:${escapeHtml(sup.phone)}">${escapeHtml(sup.phone)}</a>`)}` : '';
  return `${fillHtml(s.contactUs, { email: '\u0000' }).replace('\u0000', mail)}${tel}.`;
};

const statusNote = (inv: InvoiceInfo, sup: SupplierInfo, s: PageStrings): string | undefined => {
  const st = s.status as Record<string, string>;
  switch (inv.status) {
    case 'open':
      return undefined;
    case 'promised':
      return inv.promiseDate ? fillText(st.promised!, { date: fmtDate(inv.promiseDate, s.locale) }) : undefined;
    case 'paused':
      return undefined;
    default:
      return fillText(st[inv.status] ?? st.closed!, { supplier: sup.name });
  }
};

const layout = (view: { lang: Language; title: string; supplier?: string; brandLine?: string; body: string; contact?: string; script: boolean }, s: PageStrings) =>
  render(LAYOUT, {
    lang: view.lang,
    title: view.title,
    css: CSS,
    skip: s.skipToContent,
    supplier: view.supplier,
    brandLine: view.brandLine,
    body: view.body,
    contact: view.contact,
    script: view.script ? SCRIPT : undefined,
  });

/** The whole HTML document of a page. */
export const renderPage = (p: Page): string => {
  const s = pageStrings(p.lang);
  if (p.kind === 'problem') {
    const words = s.problems[p.problem];
    return layout(
      {
        lang: p.lang,
        title: p.supplier ? `${words.title} – ${p.supplier.name}` : words.title,
        ...(p.supplier ? { supplier: p.supplier.name, brandLine: fillText(s.brandLine, { supplier: p.supplier.name }) } : {}),
        body: render(PROBLEM, words),
        contact: contactHtml(p.supplier, s),
        script: false,
      },
      s,
    );
  }
  const brand = { supplier: p.supplier.name, brandLine: fillText(s.brandLine, { supplier: p.supplier.name }) };
  const pageTitle = fillText(s.pageTitle, { number: p.invoice.number, supplier: p.supplier.name });
  const shared = { summary: summaryHtml(p.invoice, s), payment: paymentHtml(p.supplier, p.invoice, s), others: othersHtml(p.others, s) };

  if (p.kind === 'done') {
    const words = s.actions[p.action];
    const due = formatMoney(Math.max(0, p.invoice.amount - p.invoice.amountPaid), p.invoice.currency, s.locale);
    const text = fillText(words.doneText, {
      days: p.graceDays ?? '',
      date: p.promiseDate ? fmtDate(p.promiseDate, s.locale) : '',
      amount: due,
    });
    return layout(
      { lang: p.lang, title: `${words.doneTitle} – ${pageTitle}`, ...brand, body: render(DONE, { title: words.doneTitle, text, ...shared }), contact: contactHtml(p.supplier, s), script: true },
      s,
    );
  }

  const words = s.actions[p.action];
  const answerable = !CLOSED.includes(p.invoice.status);
  const fields = formFields(p, s);
  const errors = (p.errors ?? []).map((e) => {
    const f = fields.find((x) => x.name === e.field);
    return { id: f?.isRadio ? `${f.id}-${DISPUTE_REASONS[0]}` : (f?.id ?? 'main'), label: f?.label ?? '', message: fieldError(s, e, s.locale) };
  });
  const form = render(FORM, { csrf: p.csrf, fields, errors, errorSummary: s.errorSummary, submit: words.submit });
  const refusal = p.refusal ? ((s.commandErrors as Record<string, string>)[p.refusal] ?? s.commandErrors.conflict) : undefined;
  const body = render(LANDING, { title: words.title, intro: words.intro, statusNote: statusNote(p.invoice, p.supplier, s), answerable, form, refusal, ...shared });
  return layout({ lang: p.lang, title: `${words.title} – ${pageTitle}`, ...brand, body, contact: contactHtml(p.supplier, s), script: true }, s);
};

/**
 * "View the invoice" for a FatturaPA: the XML the SdI carried, as a page a person can read (the
 * customer's language for the labels, Italian for the document's own words), with a link to the
 * original file. Every value of the document goes through escapeHtml: the file is the sender's,
 * and its text is never markup here. Same layout, style and headers as the other customer pages.
 */
import Mustache from 'mustache';
import type { Language } from '../../domain/model.js';
import type { FatturaParty, FatturaView } from '../../domain/parsers/fatturapa-view.js';
import { escapeHtml } from '../../domain/shared/html.js';
import { CSS } from './style.js';
import { LAYOUT } from './templates.js';

const WORDS = {
  it: { title: 'Fattura', supplier: 'Cedente / prestatore', buyer: 'Cessionario / committente', vat: 'P. IVA', cf: 'Codice fiscale', address: 'Sede', type: 'Tipo documento', number: 'Numero', date: 'Data', currency: 'Divisa', total: 'Totale documento', reasons: 'Causale', lines: 'Dettaglio', n: 'N.', description: 'Descrizione', quantity: 'Quantità', price: 'Prezzo unitario', rate: 'IVA %', amount: 'Importo', summary: 'Riepilogo IVA', taxable: 'Imponibile', tax: 'Imposta', split: 'scissione dei pagamenti', payments: 'Pagamento', method: 'Modalità', due: 'Scadenza', iban: 'IBAN', original: 'Scarica il file originale (XML)', skip: 'Vai al contenuto', intro: 'La fattura elettronica come trasmessa tramite il Sistema di Interscambio, resa leggibile.' },
  en: { title: 'Invoice', supplier: 'Supplier', buyer: 'Customer', vat: 'VAT no.', cf: 'Fiscal code', address: 'Address', type: 'Document type', number: 'Number', date: 'Date', currency: 'Currency', total: 'Document total', reasons: 'Reason', lines: 'Lines', n: 'No.', description: 'Description', quantity: 'Quantity', price: 'Unit price', rate: 'VAT %', amount: 'Amount', summary: 'VAT summary', taxable: 'Taxable', tax: 'VAT', split: 'split payment', payments: 'Payment', method: 'Method', due: 'Due date', iban: 'IBAN', original: 'Download the original file (XML)', skip: 'Skip to content', intro: 'The e-invoice as sent through the Sistema di Interscambio, made readable.' },
  ro: { title: 'Factura', supplier: 'Furnizor', buyer: 'Client', vat: 'Cod TVA', cf: 'Cod fiscal', address: 'Sediu', type: 'Tip document', number: 'Număr', date: 'Data', currency: 'Moneda', total: 'Total document', reasons: 'Motiv', lines: 'Detalii', n: 'Nr.', description: 'Descriere', quantity: 'Cantitate', price: 'Preț unitar', rate: 'TVA %', amount: 'Valoare', summary: 'Sinteza TVA', taxable: 'Bază impozabilă', tax: 'TVA', split: 'plată defalcată (split payment)', payments: 'Plată', method: 'Modalitate', due: 'Scadență', iban: 'IBAN', original: 'Descărcați fișierul original (XML)', skip: 'Salt la conținut', intro: 'Factura electronică așa cum a fost transmisă prin Sistema di Interscambio, în formă lizibilă.' },
} as const;

const e = (v: string | undefined): string => escapeHtml(v ?? '');

const partyHtml = (heading: string, p: FatturaParty, w: (typeof WORDS)[keyof typeof WORDS]): string => {
  const facts = [
    p.name ? `<dt>${e(heading)}</dt><dd>${e(p.name)}</dd>` : '',
    p.vatId ? `<dt>${e(w.vat)}</dt><dd>${e(p.vatId)}</dd>` : '',
    p.fiscalCode && p.fiscalCode !== p.vatId ? `<dt>${e(w.cf)}</dt><dd>${e(p.fiscalCode)}</dd>` : '',
    p.address ? `<dt>${e(w.address)}</dt><dd>${e(p.address)}</dd>` : '',
  ].join('');
  return `<section class="card"><h2>${e(heading)}</h2><dl class="facts">${facts}</dl></section>`;
};

const table = (headings: { label: string; num?: boolean }[], rows: (string | undefined)[][]): string =>
  `<div class="scroll"><table class="lines"><thead><tr>${headings.map((h) => `<th scope="col"${h.num ? ' class="num"' : ''}>${e(h.label)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${headings[i]?.num ? ' class="num"' : ''}>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;

export const fatturaPage = (v: FatturaView, opts: { lang: Language; supplierName: string; originalUrl?: string }): string => {
  const w = opts.lang === 'it' || opts.lang === 'ro' ? WORDS[opts.lang] : WORDS.en;
  const doc = [
    v.type ? `<dt>${e(w.type)}</dt><dd>${e(`${v.type}${v.typeDescription ? ` (${v.typeDescription})` : ''}`)}</dd>` : '',
    v.number ? `<dt>${e(w.number)}</dt><dd>${e(v.number)}</dd>` : '',
    v.date ? `<dt>${e(w.date)}</dt><dd>${e(v.date)}</dd>` : '',
    v.currency ? `<dt>${e(w.currency)}</dt><dd>${e(v.currency)}</dd>` : '',
    v.total ? `<dt>${e(w.total)}</dt><dd class="due">${e(v.total)}</dd>` : '',
    v.reasons.length > 0 ? `<dt>${e(w.reasons)}</dt><dd>${v.reasons.map(e).join('<br>')}</dd>` : '',
  ].join('');
  const body = [
    `<h1>${e(`${w.title} ${v.number ?? ''}`.trim())}</h1>`,
    `<p class="hint">${e(w.intro)}</p>`,
    `<section class="card"><dl class="facts">${doc}</dl></section>`,
    partyHtml(w.supplier, v.supplier, w),
    partyHtml(w.buyer, v.buyer, w),
    v.lines.length > 0
      ? `<section class="card"><h2>${e(w.lines)}</h2>${table(
          [{ label: w.n }, { label: w.description }, { label: w.quantity, num: true }, { label: w.price, num: true }, { label: w.rate, num: true }, { label: w.amount, num: true }],
          v.lines.map((l) => [l.n, l.description, [l.quantity, l.unit].filter(Boolean).join(' '), l.price, l.vat, l.amount]),
        )}</section>`
      : '',
    v.vat.length > 0
      ? `<section class="card"><h2>${e(w.summary)}</h2>${table(
          [{ label: w.rate, num: true }, { label: w.taxable, num: true }, { label: w.tax, num: true }],
          v.vat.map((r) => [`${r.rate ?? ''}${r.nature ? ` ${r.nature}` : ''}`.trim(), r.taxable, `${r.tax ?? ''}${r.split ? ` (${w.split})` : ''}`]),
        )}</section>`
      : '',
    v.payments.length > 0
      ? `<section class="card"><h2>${e(w.payments)}</h2>${table(
          [{ label: w.method }, { label: w.due }, { label: w.amount, num: true }, { label: w.iban }],
          v.payments.map((p) => [p.method, p.due, p.amount, p.iban]),
        )}</section>`
      : '',
    opts.originalUrl ? `<p><a href="${e(opts.originalUrl)}" rel="noreferrer">${e(w.original)}</a></p>` : '',
  ].join('\n');
  return Mustache.render(LAYOUT, { lang: opts.lang, title: `${w.title} ${v.number ?? ''}`.trim(), css: CSS, skip: w.skip, supplier: opts.supplierName, body }, {}, { escape: (x: unknown) => escapeHtml(String(x)) });
};

/**
 * Every reader under arbitrary input (property tests, bounded runs): bytes of any kind under any
 * file name, arbitrary JSON documents and NDJSON lines, and real e-invoices cut short or with
 * their values replaced by hostile text. The outcome is always records accepted or rejected with
 * a reason, or the whole file refused with one: never another exception (collect() rethrows it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Collected } from './read.js';
import { CONFORMANCE, customers, fromText, invoices } from './read.js';
import type { ParsedInvoice } from '../../../lambdas/domain/parsers/types.js';
import { cii } from './cii-fixtures.js';
import { facturXPdf } from './pdf-fixtures.js';

const KEYS = ['invoices/x.csv', 'invoices/x.json', 'invoices/x.ndjson', 'invoices/x.xml', 'invoices/x.xml.p7m', 'invoices/x', 'invoices/x.txt'];

const expectReasoned = <T>(out: Collected<T>) => {
  if (out.fileError) expect(out.fileError.reason.length).toBeGreaterThan(5);
  for (const r of out.rejections) {
    expect(r.reason.length).toBeGreaterThan(3);
    expect(typeof r.field).toBe('string');
  }
};

const expectSound = (out: Collected<ParsedInvoice>) => {
  expectReasoned(out);
  for (const i of out.ok) {
    expect(Number.isSafeInteger(i.amount)).toBe(true);
    expect(i.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Without one, the customer's payment terms set the due date (ingest-rules.ts).
    if (i.dueDate !== undefined) expect(i.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
};

const HOSTILE = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('<script>alert(1)</script>', ']]>', '&amp;', '&#0;', '&unknown;', '-1', '1e308', 'NaN', '99999999999999999999.99', '2026-02-30', '', ' ', 'x'.repeat(5_000)),
);
/** The text between two tags: the place a value stands in an e-invoice. */
const VALUE = />([^<>]{1,80})</g;

/** The document with a few of its values (the n-th text between tags) replaced, and maybe cut short. */
const mutate = (xml: string, replacements: [number, string][], cut: number | undefined): string => {
  const at = new Map(replacements);
  const escaped = (s: string) => s.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  let n = 0;
  const out = xml.replace(VALUE, (whole) => {
    const v = at.get(n++);
    return v === undefined ? whole : `>${escaped(v)}<`;
  });
  return cut === undefined ? out : out.slice(0, Math.floor(out.length * cut));
};

describe('the readers under arbitrary input', () => {
  it('any bytes under any name: accepted, rejected or refused with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KEYS), fc.uint8Array({ maxLength: 600 }), async (key, bytes) => {
        expectSound(await invoices(fromText(key, bytes)));
        expectReasoned(await customers(fromText(key.replace('invoices/', 'customers/'), bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON document or NDJSON lines of invoices or customers', async () => {
    const doc = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.dictionary(fc.constantFrom('number', 'customerId', 'issueDate', 'dueDate', 'amount', 'currency', 'name', 'email', 'phone', 'vatId', '__proto__'), fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 }));
    await fc.assert(
      fc.asyncProperty(doc, async (value) => {
        const json = JSON.stringify(value) ?? 'null';
        expectSound(await invoices(fromText('invoices/x.json', json)));
        expectReasoned(await customers(fromText('customers/x.json', json)));
        const lines = (Array.isArray(value) ? value : [value]).map((v) => JSON.stringify(v) ?? 'null').join('\n');
        expectSound(await invoices(fromText('invoices/x.ndjson', lines)));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['FatturaPA', 'fatturapa/IT01234567890_FPR03.xml'],
    ['UBL', 'ubl/base-example.xml'],
  ])('a real %s with its values replaced by hostile text, or cut short anywhere', async (_name, file) => {
    const xml = readFileSync(join(CONFORMANCE, file), 'utf8');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(120), HOSTILE), { maxLength: 4 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined, freq: 4 }), async (values, cut) => {
        expectSound(await invoices(fromText(`invoices/${file.split('/')[1]}`, mutate(xml, values, cut))));
      }),
      { numRuns: 150 },
    );
  });

  it('a CII invoice (written for the suite: no CII sample in shared/conformance) with its values replaced by hostile text, or cut short', async () => {
    const xml = cii();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(60), HOSTILE), { maxLength: 4 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined, freq: 4 }), async (values, cut) => {
        expectSound(await invoices(fromText('invoices/x.xml', mutate(xml, values, cut))));
      }),
      { numRuns: 150 },
    );
  });

  it('a Factur-X PDF cut short or with bytes overwritten anywhere: read, or refused with a reason', async () => {
    const pdf = await facturXPdf([{ name: 'factur-x.xml', xml: cii() }]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(pdf.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined, freq: 3 }), async (writes, cut) => {
        const bytes = pdf.slice(0, cut === undefined ? pdf.length : Math.max(5, Math.floor(pdf.length * cut)));
        for (const [i, b] of writes) if (i >= 5 && i < bytes.length) bytes[i] = b;
        expectSound(await invoices(fromText('invoices/x.pdf', bytes)));
      }),
      { numRuns: 100 },
    );
  });
});

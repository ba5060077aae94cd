/**
 * XML for e-invoices, parsed by fast-xml-parser with the safety the web's XML needs: a DOCTYPE is
 * refused outright (FatturaPA and UBL never carry one, and it is where entity-expansion "XML bombs"
 * live), well-formedness is checked first so a truncated file gets its line and column, and
 * namespace prefixes (p:, ns2:, cbc:, none) are dropped so every sender's document reads alike.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FileRejected } from './types.js';

export type XmlNode = Record<string, unknown>;

/** Elements that may repeat: always arrays, so one and many read the same. */
const REPEATED = new Set([
  'FatturaElettronicaBody',
  'DatiPagamento',
  'DettaglioPagamento',
  'DatiRitenuta',
  'DatiRiepilogo',
  'PartyTaxScheme',
  'PartyIdentification',
  'PaymentMeans',
  'PaymentTerms',
  'DatiFattureCollegate',
  'DatiBeniServizi',
  'BillingReference',
  // UN/CEFACT CII (cii.ts)
  'SpecifiedTradePaymentTerms',
  'SpecifiedTaxRegistration',
  'InvoiceReferencedDocument',
  'GlobalID',
  'TaxTotalAmount',
  'DefinedTradeContact',
  // SdI notifications (sdi-receipts.ts)
  'Errore',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Once DOCTYPEs are refused, only the predefined entities (&amp; &lt; …) and character references
  // (&#199; &#xC7;) can remain. fast-xml-parser decodes numeric references only with htmlEntities,
  // which also reads a few HTML names (&nbsp;, &euro;): harmless without a DTD, and kinder than refusing.
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

export const parseXml = (doc: string): XmlNode => {
  const head = doc.slice(0, 4096);
  if (/<!DOCTYPE|<!ENTITY/i.test(head) || /<!ENTITY/i.test(doc)) {
    throw new FileRejected('the XML declares a DOCTYPE or entities, which e-invoices never do: refused (protection against entity-expansion attacks)', {
      field: 'DOCTYPE',
    });
  }
  const valid = XMLValidator.validate(doc);
  if (valid !== true) {
    const { code, msg, line, col } = valid.err;
    // The validator reports a document that stops early as the list of elements still open.
    const open = code === 'InvalidXml' && /^Invalid '\[/.test(msg) ? [...msg.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : undefined;
    if (open || /^Unclosed tag/.test(msg)) {
      const names = open ?? [/'([^']+)'/.exec(msg)?.[1] ?? '?'];
      throw new FileRejected(`the XML is truncated: it ends inside <${names.join('>/<')}> (upload the complete file)`, {
        element: names.join('/'),
      });
    }
    throw new FileRejected(`the XML is not well-formed at line ${line}, column ${col}: ${msg}`, { element: `line ${line}` });
  }
  try {
    return parser.parse(doc) as XmlNode;
  } catch (err) {
    throw new FileRejected(`the XML cannot be read: ${(err as Error).message.slice(0, 200)}`);
  }
};

/** The text of an element, whether it has attributes (`{ '#text': … }`) or not. */
export const textOf = (node: unknown): string | undefined => {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node.trim() === '' ? undefined : node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object') return textOf((node as XmlNode)['#text']);
  return undefined;
};

export const attrOf = (node: unknown, name: string): string | undefined => {
  const n = Array.isArray(node) ? node[0] : node;
  if (!n || typeof n !== 'object') return undefined;
  const v = (n as XmlNode)[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
};

/** Child element by path ("DatiGenerali/DatiGeneraliDocumento"); the first of repeated ones. */
export const child = (node: unknown, path: string): unknown => {
  let cur: unknown = node;
  for (const name of path.split('/')) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as XmlNode)[name];
  }
  return cur;
};

export const list = (node: unknown): unknown[] => (node === undefined || node === null || node === '' ? [] : Array.isArray(node) ? node : [node]);

/** The root element's local name and node. */
export const rootOf = (doc: XmlNode): { name: string; node: XmlNode } | undefined => {
  for (const [name, node] of Object.entries(doc)) {
    if (name.startsWith('?') || name.startsWith('@_') || name === '#text') continue;
    return { name, node: (node && typeof node === 'object' ? node : {}) as XmlNode };
  }
  return undefined;
};

/**
 * The root element as written (its prefix, local name and namespace URI), read from the text: the
 * parser drops namespace declarations with the prefixes, and the namespace is what tells a UBL, a
 * CII, a FatturaPA and an SdI notification apart. Comments, the XML declaration and processing
 * instructions before the root are skipped; undefined when no start tag is found.
 */
export const rootElement = (doc: string): { local: string; namespace?: string } | undefined => {
  let i = doc.charCodeAt(0) === 0xfeff ? 1 : 0;
  const head = doc.slice(0, 64 * 1024);
  for (;;) {
    while (i < head.length && /\s/.test(head[i]!)) i++;
    if (head.startsWith('<?', i)) i = head.indexOf('?>', i) + 2;
    else if (head.startsWith('<!--', i)) i = head.indexOf('-->', i) + 3;
    else break;
    if (i < 2) return undefined;
  }
  const tag = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(head.slice(i));
  if (!tag) return undefined;
  const prefix = tag[1]?.slice(0, -1);
  for (const m of tag[3]!.matchAll(/\bxmlns(?::([\w.-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if ((m[1] ?? undefined) === prefix) return { local: tag[2]!, namespace: (m[2] ?? m[3] ?? '').trim() };
  }
  return { local: tag[2]! };
};

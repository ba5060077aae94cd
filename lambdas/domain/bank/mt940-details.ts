/**
 * What a `:86:` (information to account owner) says, for the layouts banks actually send. mt940js
 * splits the field into subfields (`structuredDetails`); what the subfields mean is bank practice,
 * read here:
 * - Deutsche Kreditwirtschaft (German banks): a 3-digit GVC, then `?nn` subfields: ?00 booking
 *   text, ?20-?29 purpose (27 characters each, SEPA keywords EREF+ SVWZ+ … inside), ?30 bank code
 *   or BIC, ?31 account or IBAN, ?32-?33 name, ?34 return reason.
 * - ING (Netherlands): `/TAG/value/` pairs, /EREF/, /CNTP/iban/bic/name/city/, /REMI/USTD//text/ or
 *   /REMI/STRD/CUR/ref/, /RTRN/reason/.
 * - Anything else: free text.
 */
import { isValidIBAN } from 'ibantools';
import { clean, stripUndefined } from './statement-builder.js';
import type { BankParty, StructuredReference } from './types.js';

export interface Mt940Details {
  debtor?: BankParty;
  remittance?: string;
  additionalInfo?: string;
  endToEndId?: string;
  structuredReference?: StructuredReference;
  /** GVC (German business transaction code), when the layout has one. */
  gvc?: string;
  /** A return: the reason as the bank wrote it (ISO code from ING /RTRN/, DK numeric code from ?34). */
  returned?: { reason?: string; reasonText?: string };
}

/** DK business transaction codes that bring back a payment Sollecito's tenant sent (SEPA transfer returned). */
const RETURN_GVCS = new Set(['159']);

const PURPOSE_LENGTH = 27;

/**
 * Subfields joined into one text. SEPA text (140 characters cut into 27-character subfields) is
 * joined as it was cut; older layouts wrote one line per subfield, joined with a space. A name
 * (?32/?33) continues without a space only when its first part fills the whole 27 characters.
 */
const joinLines = (parts: (string | undefined)[], mode: 'cut' | 'lines' | 'name'): string | undefined => {
  let out = '';
  let previous = 0;
  for (const p of parts) {
    if (p === undefined || p === '') continue;
    const glue = out === '' || mode === 'cut' || (mode === 'name' && previous >= PURPOSE_LENGTH) ? '' : ' ';
    out += glue + p;
    previous = p.length;
  }
  return clean(out);
};

const SEPA_KEYWORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT)\+|MTLG:/g;

/** "EREF+abc SVWZ+Invoice 12" -> { EREF: 'abc', SVWZ: 'Invoice 12' }; text before any keyword under ''. */
export const sepaKeywords = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const marks = [...text.matchAll(SEPA_KEYWORD)];
  const head = clean(text.slice(0, marks[0]?.index ?? text.length));
  if (head) out[''] = head;
  marks.forEach((m, i) => {
    const key = m[1] ?? 'MTLG';
    const value = clean(text.slice(m.index! + m[0].length, marks[i + 1]?.index ?? text.length));
    if (value && !(key in out)) out[key] = value;
  });
  return out;
};

/** ?31 as an IBAN, or (older layouts) an account number, prefixed by the ?30 bank code like a `:25:`. */
const ibanOrAccount = (raw: string | undefined, bankCode?: string): Pick<BankParty, 'iban' | 'otherAccountId'> => {
  const s = raw?.replace(/\s+/g, '');
  if (!s) return {};
  if (isValidIBAN(s)) return { iban: s };
  const code = bankCode?.trim();
  return { otherAccountId: code && /^\d{8}$/.test(code) ? `${code}/${s}` : s };
};

const party = (p: BankParty): BankParty | undefined => {
  const out = stripUndefined(p);
  return Object.keys(out).length > 0 ? out : undefined;
};

const endToEnd = (v: string | undefined): string | undefined => (v && v.toUpperCase() !== 'NOTPROVIDED' ? v : undefined);

const germanDetails = (s: Record<string, string>): Mt940Details => {
  const pieces = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'].map((k) => s[k]);
  const sepa = pieces.some((p) => p !== undefined && new RegExp(SEPA_KEYWORD.source).test(p));
  const purpose = joinLines(pieces, sepa ? 'cut' : 'lines') ?? '';
  const kw = sepaKeywords(purpose);
  const gvc = s['gvc'];
  const remittance = sepa ? (kw['SVWZ'] ?? kw['MTLG'] ?? kw['']) : clean(purpose);
  const details: Mt940Details = {
    gvc,
    debtor: party({ name: joinLines([s['32'], s['33']], 'name'), ...ibanOrAccount(s['31'], s['30']) }),
    remittance,
    additionalInfo: clean(s['00']),
    endToEndId: endToEnd(kw['EREF']),
  };
  if (gvc && RETURN_GVCS.has(gvc)) details.returned = stripUndefined({ reason: clean(s['34']), reasonText: kw['MTLG'] ?? remittance });
  return stripUndefined(details);
};

const unslash = (v: string | undefined): string | undefined => clean(v?.replace(/\/+$/, ''));

const ingDetails = (s: Record<string, string>): Mt940Details => {
  const [iban, , name] = (s['CNTP'] ?? '').split('/');
  const remi = s['REMI'] ?? '';
  let remittance: string | undefined;
  let structuredReference: StructuredReference | undefined;
  const strd = /^STRD\/?(?:([A-Z]{2,4})\/(.+?))?\/*$/.exec(remi);
  if (strd) {
    const scheme = strd[1] ?? (s['CUR'] !== undefined ? 'CUR' : undefined);
    const ref = unslash(strd[2] ?? s['CUR'])?.replace(/\s+/g, '');
    if (scheme && ref) structuredReference = { scheme, ref };
  } else {
    remittance = unslash(remi.replace(/^USTD\/\//, ''));
  }
  const details: Mt940Details = {
    debtor: party({ name: clean(name), ...ibanOrAccount(iban) }),
    remittance,
    structuredReference,
    endToEndId: endToEnd(unslash(s['EREF'])),
  };
  if (s['RTRN'] !== undefined) details.returned = stripUndefined({ reason: unslash(s['RTRN']) });
  return stripUndefined(details);
};

/**
 * Reads a `:86:` from mt940js's `details` (lines joined by "\n") and `structuredDetails`. Lines are
 * re-joined without a separator: banks wrap the field at 65 characters wherever it falls.
 */
export const readDetails = (details: string, structured: Record<string, string> | undefined): Mt940Details => {
  if (structured && (structured['gvc'] !== undefined || /^\d{2}$/.test(Object.keys(structured).find((k) => k !== 'gvc') ?? ''))) return germanDetails(structured);
  if (structured && ['EREF', 'CNTP', 'REMI', 'RTRN', 'PREF', 'MARF'].some((k) => k in structured)) return ingDetails(structured);
  return stripUndefined({ remittance: clean(details.replace(/\n/g, '')) });
};

/**
 * Invoice numbers as payers write them in a transfer's free text, and what counts as "the same
 * number". The rule, applied alike to the invoice's own number and to what is found in the text:
 *
 * 1. Text is folded: accents removed, upper case, spaces around "/" dropped ("2026 / 42" is
 *    "2026/42"), "#" read as "NR".
 * 2. Dates (d/m/yy[yy], d.m.yyyy, yyyy-mm-dd, yyyy/mm/dd) and amounts (digits, a decimal "," or "." and exactly
 *    two digits, with optional thousands groups: "42,26", "1.250,00", "1,250.00") are dropped
 *    before anything else: they look like numbers and never are.
 * 3. A token is a run of letters and digits joined by single "/", "-", ".", "_" or "\" (no spaces):
 *    "2026/0042", "FT-2026-0042", "N.42". It is split into segments, each a run of digits or a run of
 *    letters ("FT2026/42" -> FT, 2026, 42).
 * 4. Leading segments that are invoice words (FATT, FATTURA, FT, INVOICE, INV, N, NR, NO, …; see
 *    INVOICE_WORDS) are dropped. A token made only of invoice words opens a "keyword scope" that
 *    covers the number tokens after it, through list words (E, AND, …), until another word.
 * 5. The key is the remaining segments, digit runs without leading zeros, joined by "-":
 *    "2026/0042", "FT 2026/42", "fattura 2026-0042", "Inv. 2026.042" all give "2026-42". Segment
 *    ORDER matters: "42/2026" is "42-2026", not the invoice 2026/0042 (a tenant may number both
 *    ways, and reordering would also read dates). Whole tokens only: "1042" never contains "42".
 * 6. A single run of digits may also equal an invoice number's compact form, its segments as
 *    written, leading zeros kept: "INV 20260042" is 2026/0042 (but "202642" is not).
 * 7. What is safe without an invoice word: a token of two or more segments ("2026/42", "A123"), or
 *    one run of at least six digits. A bare one-to-five-digit number ("42", "20121 MILANO") counts
 *    only inside a keyword scope: it is as likely a quantity, a day or a postcode.
 */

export const INVOICE_WORDS: ReadonlySet<string> = new Set([
  'FATT', 'FATTURA', 'FATTURE', 'FAT', 'FT', 'FTT', 'FACTURA', 'FACTURI', 'FACT', 'FACTURE',
  'INVOICE', 'INVOICES', 'INV', 'RECHNUNG', 'RG',
  'N', 'NR', 'NRO', 'NO', 'NUM', 'NUMERO', 'NUMBER',
]);
/** Words that keep a keyword scope open: "fatture 41 e 42". */
const LIST_WORDS: ReadonlySet<string> = new Set(['E', 'ED', 'AND', 'ET', 'UND', 'SI']);

export interface NumberKeys {
  /** Segments without leading invoice words, digit runs without leading zeros, joined by "-". */
  key: string;
  /** The same segments as written, leading zeros kept, nothing between them. */
  compact: string;
}

export interface NumberInText extends NumberKeys {
  /** The token as found, for the reasons. */
  written: string;
  /** True when the token is one run of digits: only then is `compact` compared. */
  digitsOnly: boolean;
}

// Most bank text is ASCII already; NFKD is the costly part, so only non-ASCII text pays for it.
const fold = (text: string): string =>
  (/[^\x00-\x7f]/.test(text) ? text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : text).toUpperCase();

const SEGMENT = /[0-9]+|[A-Z]+/g;
const TOKEN = /[0-9A-Z]+(?:[/\-._\\][0-9A-Z]+)*/g;
// Digits, thousands groups of three (".", "," or "'"), a decimal "," or "." and exactly two digits.
const AMOUNT = /(?<![0-9A-Z.,/\\_-])(?:\d{1,3}(?:[.,']\d{3})+|\d+)[.,]\d{2}(?![0-9A-Z]|[.,/\\_-][0-9A-Z])/g;

const isDay = (d: string) => Number(d) >= 1 && Number(d) <= 31;
const isMonth = (m: string) => Number(m) >= 1 && Number(m) <= 12;
const looksLikeDate = (token: string): boolean => {
  let m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(token);
  if (m) return isDay(m[1]!) && isMonth(m[2]!);
  m = /^(\d{4})[./-](\d{2})[./-](\d{2})$/.exec(token);
  return m !== null && isMonth(m[2]!) && isDay(m[3]!);
};

const stripZeros = (segment: string): string => (/^\d+$/.test(segment) ? segment.replace(/^0+(?=\d)/, '') : segment);

const keysOf = (segments: readonly string[]): NumberKeys => ({ key: segments.map(stripZeros).join('-'), compact: segments.join('') });

/** Segments of one token with its leading invoice words dropped; `hadWord` says whether any were. */
const splitToken = (token: string): { segments: string[]; hadWord: boolean } => {
  const all = token.match(SEGMENT) ?? [];
  let i = 0;
  while (i < all.length && INVOICE_WORDS.has(all[i]!)) i++;
  return { segments: all.slice(i), hadWord: i > 0 };
};

/** The keys of an invoice's own number; undefined when it has no letters or digits. */
export const invoiceNumberKeys = (number: string): NumberKeys | undefined => {
  const folded = fold(number);
  const all = folded.match(SEGMENT) ?? [];
  if (all.length === 0) return undefined;
  const { segments } = splitToken(folded);
  // A number made only of invoice words ("N") keeps them: there is nothing else to compare.
  return keysOf(segments.length > 0 ? segments : all);
};

/** Every invoice-number candidate in one text, in order of appearance, without repeats. */
export const invoiceNumbersInText = (text: string): NumberInText[] => {
  const prepared = fold(text).replace(/\s*\/\s*/g, '/').replace(/#/g, ' NR ').replace(AMOUNT, ' ');
  const found = new Map<string, NumberInText>();
  let inScope = false;
  for (const match of prepared.matchAll(TOKEN)) {
    const token = match[0];
    if (looksLikeDate(token)) continue;
    const { segments, hadWord } = splitToken(token);
    if (segments.length === 0) {
      inScope = true;
      continue;
    }
    const digitsOnly = segments.length === 1 && /^\d+$/.test(segments[0]!);
    const isNumber = digitsOnly || segments.some((s) => /\d/.test(s));
    if (!isNumber) {
      if (!LIST_WORDS.has(token)) inScope = false;
      continue;
    }
    const safe = hadWord || inScope || segments.length >= 2 || segments[0]!.length >= 6;
    if (hadWord) inScope = true;
    if (!safe) continue;
    const keys = keysOf(segments);
    const seen = `${keys.key}|${keys.compact}`;
    if (!found.has(seen)) found.set(seen, { ...keys, written: token, digitsOnly });
  }
  return [...found.values()];
};

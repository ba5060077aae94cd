/**
 * SMS text in the GSM 03.38 alphabet, so that a message goes out as 7-bit GSM (160 characters a
 * segment) rather than UCS-2 (70): letters outside it lose their accents (ș → s, ă → a, È → E),
 * typographic punctuation becomes plain, and the result is kept within three segments.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters sent as an escape plus one septet: they count twice. */
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u00a0': ' ', // no-break space (Intl puts it between amount and currency)
  '\u202f': ' ', // narrow no-break space
  '\u2009': ' ',
  '\t': ' ',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00b7': '-',
};

export const SEGMENT_SEPTETS = { single: 160, multipart: 153 } as const;
export const MAX_SEGMENTS = 3;

const isGsm = (c: string): boolean => BASIC.has(c) || EXTENDED.has(c);

/** The text in the GSM alphabet: known look-alikes replaced, accents dropped where GSM lacks the letter, the rest '?'. */
export const toGsm = (text: string): string => {
  let out = '';
  for (const c of text) {
    if (isGsm(c)) out += c;
    else if (REPLACEMENTS[c] !== undefined) out += REPLACEMENTS[c];
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += base !== '' && [...base].every(isGsm) ? base : '?';
    }
  }
  return out;
};

/** Septets a GSM text takes (extension characters count two). */
export const septets = (gsmText: string): number => {
  let n = 0;
  for (const c of gsmText) n += EXTENDED.has(c) ? 2 : 1;
  return n;
};

/** Segments a GSM text needs: one up to 160 septets, otherwise 153 per segment. */
export const segments = (gsmText: string): number => {
  const n = septets(gsmText);
  return n <= SEGMENT_SEPTETS.single ? 1 : Math.ceil(n / SEGMENT_SEPTETS.multipart);
};

const MAX_SEPTETS = MAX_SEGMENTS * SEGMENT_SEPTETS.multipart;

/**
 * The SMS as sent: body and optional short link in GSM, single-spaced, at most three segments.
 * A body too long (an unusually long name) is cut at a word and marked with "...", the link kept.
 */
export const composeSms = (body: string, link?: string): string => {
  const tail = link ? ` ${toGsm(link)}` : '';
  let text = toGsm(body).replace(/\s+/g, ' ').trim();
  const room = MAX_SEPTETS - septets(tail);
  if (septets(text) > room) {
    while (septets(text) > room - 3) text = text.slice(0, text.lastIndexOf(' ') > 0 ? text.lastIndexOf(' ') : text.length - 1);
    text = `${text.trimEnd()}...`;
  }
  return text + tail;
};

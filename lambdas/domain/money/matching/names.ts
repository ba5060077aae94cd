/**
 * Company and person names as a bank writes them ("ROSSI MARIO SRL", truncated at 35 or 70
 * characters) against the customer directory ("Rossi Mario S.r.l."). A name is reduced to its
 * distinctive tokens: accents, punctuation and letter case dropped, dotted abbreviations joined
 * ("S.r.l." -> SRL), legal forms and one-letter tokens removed. Similarity is Jaro-Winkler
 * (@skyra/jaro-winkler) on the tokens as written and on the tokens sorted, whichever is higher,
 * so "MARIO ROSSI" and "Rossi Mario" are alike.
 */
import { jaroWinkler } from '@skyra/jaro-winkler';

const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'SRL', 'SRLS', 'SPA', 'SAS', 'SNC', 'SAPA', 'SCARL', 'SCRL', 'SCPA', 'SOC', 'COOP', 'SS',
  'GMBH', 'AG', 'KG', 'OHG', 'UG', 'EV', 'LTD', 'LIMITED', 'LLC', 'INC', 'PLC', 'CORP', 'CO',
  'BV', 'NV', 'SA', 'SL', 'SARL', 'EURL', 'SPRL', 'OY', 'AB', 'AS', 'APS', 'KFT', 'DOO', 'SRO', 'SPZOO',
  'PFA', 'II', 'IF',
]);

/** Distinctive tokens of a name, upper case, in the order written. */
export const nameTokens = (name: string): string[] =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    // "S.R.L." and "S.P.A." are one word once their dots go.
    .replace(/\./g, '')
    .split(/[^0-9A-Z]+/)
    .filter((t) => t.length > 1 && !LEGAL_FORMS.has(t));

/** The tokens sorted and joined: two names with the same key are the same name for matching. */
export const nameKey = (name: string): string => [...nameTokens(name)].sort().join(' ');

export const nameSimilarity = (a: string, b: string): number => {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const asWritten = jaroWinkler(ta.join(' '), tb.join(' '));
  const sorted = jaroWinkler([...ta].sort().join(' '), [...tb].sort().join(' '));
  return Math.max(asWritten, sorted);
};

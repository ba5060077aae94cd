/** VAT numbers and fiscal codes as the customer directory keys them. */

/** "it 012.345-678 90" -> "IT01234567890". */
export const normaliseTaxId = (raw: string): string => raw.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * A VAT number with its country prefix: digits alone take the customer's country
 * ("02345678901" in IT -> "IT02345678901"); Greece writes EL in VAT numbers.
 */
export const vatWithCountry = (raw: string, country?: string): string => {
  const v = normaliseTaxId(raw);
  if (/^[A-Z]{2}/.test(v) || !country) return v;
  return `${country === 'GR' ? 'EL' : country}${v}`;
};

/**
 * Every key a buyer may be known by, most specific first. An Italian company's codice fiscale is
 * usually its VAT number (11 digits), so "09876543210" also looks up "IT09876543210".
 */
export const taxIdKeys = (ids: { vatId?: string; fiscalCode?: string; others?: string[] }, country?: string): string[] => {
  const keys: string[] = [];
  const add = (k: string | undefined) => {
    if (k && k.length >= 4 && !keys.includes(k)) keys.push(k);
  };
  if (ids.vatId) add(vatWithCountry(ids.vatId, country));
  if (ids.fiscalCode) {
    const cf = normaliseTaxId(ids.fiscalCode);
    add(cf);
    if (/^\d{11}$/.test(cf) && (country ?? 'IT') === 'IT') add(`IT${cf}`);
  }
  for (const o of ids.others ?? []) add(normaliseTaxId(o));
  return keys;
};

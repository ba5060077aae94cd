/**
 * The buyer of an EN 16931 invoice (UBL and CII alike) as a BuyerParty, once each reader has found
 * its values: the second identifier stands as the codice fiscale field, and a buyer with a name but
 * no identifier is a name-only buyer (the invoice waits for a person to confirm who it is).
 */
import { normaliseTaxId, taxIdKeys } from './tax-ids.js';
import type { BuyerParty } from './types.js';

export interface En16931Buyer {
  name?: string;
  /** ISO 3166 alpha-2, already checked by the reader. */
  country?: string;
  vatId?: string;
  /** A tax number (CII scheme FC), when the syntax has one apart from the other ids. */
  taxNumber?: string;
  /** Legal registration, global and party ids, most specific first. */
  others: string[];
  email?: string;
  phone?: string;
  address?: string;
}

export const en16931Buyer = (b: En16931Buyer): BuyerParty => {
  const taxIds = taxIdKeys({ vatId: b.vatId, ...(b.taxNumber ? { fiscalCode: b.taxNumber } : {}), others: b.others }, b.country);
  const fiscalCode = b.taxNumber ?? b.others[0];
  return {
    ...(b.name ? { name: b.name.slice(0, 200) } : {}),
    ...(b.country ? { country: b.country } : {}),
    ...(b.vatId ? { vatId: b.vatId } : {}),
    ...(fiscalCode ? { fiscalCode: normaliseTaxId(fiscalCode) } : {}),
    taxIds,
    ...(b.email ? { email: b.email } : {}),
    ...(b.phone ? { phone: b.phone } : {}),
    ...(b.address ? { address: b.address } : {}),
    ...(taxIds.length === 0 && b.name ? { nameOnly: true as const } : {}),
  };
};

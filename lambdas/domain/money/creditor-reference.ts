/**
 * ISO 11649 creditor references ("RF" + two check digits + up to 21 letters and digits), the
 * structured reference a SEPA payer copies into the transfer. The check digits (mod 97, as for
 * IBANs) come from node-iso11649; this module only fixes what "the same reference" means:
 * any whitespace and letter case are ignored.
 */
import { generate, validate } from 'node-iso11649';

/** "rf18 5390 0754 7034" -> "RF18539007547034". */
export const normaliseCreditorReference = (raw: string): string => raw.replace(/\s+/g, '').toUpperCase();

export const isValidCreditorReference = (raw: string): boolean => {
  const ref = normaliseCreditorReference(raw);
  return /^RF\d{2}[0-9A-Z]{1,21}$/.test(ref) && validate(ref);
};

/** Printed in groups of four, as on an invoice or a payment slip. */
export const formatCreditorReference = (raw: string): string => normaliseCreditorReference(raw).replace(/(.{4})(?!$)/g, '$1 ');

/**
 * The RF reference for an invoice, from its own number or id: letters and digits kept (case
 * ignored), everything else dropped ("2025/0405" -> RF..20250405). RangeError when nothing is left
 * or more than the 21 characters ISO 11649 allows.
 */
export const creditorReferenceFor = (invoiceNumber: string): string => {
  const body = invoiceNumber.normalize('NFKD').replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  if (body === '') throw new RangeError(`"${invoiceNumber}" has no letters or digits to build an RF creditor reference from`);
  if (body.length > 21) throw new RangeError(`"${invoiceNumber}" has ${body.length} letters and digits; an RF creditor reference holds at most 21`);
  return generate(body);
};

/** Starts with RF (case and spaces aside) but fails the ISO 11649 check: a bank would refuse it as structured. */
export const isMalformedCreditorReference = (raw: string): boolean => normaliseCreditorReference(raw).startsWith('RF') && !isValidCreditorReference(raw);

/** The reference as a structured ISO 11649 RF (normalised), or undefined when it is not a valid one. */
export const structuredReference = (raw: string | undefined): string | undefined =>
  raw !== undefined && isValidCreditorReference(raw) ? normaliseCreditorReference(raw) : undefined;

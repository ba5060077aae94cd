/**
 * The EPC069-12 "SEPA credit transfer" QR payload (version 002), the text a banking app reads to
 * fill in a transfer. Lines, LF-separated:
 *   BCD · 002 · 1 (UTF-8) · SCT · BIC (optional in 002) · beneficiary name (≤ 70) · IBAN ·
 *   EUR<amount> · purpose (empty) · structured RF reference (≤ 35) · unstructured text (≤ 140)
 * — a reference or a text, never both — at most 331 bytes in all. Pure: the image is drawn by the
 * QrImages port (adapters/qr-png.ts).
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { structuredReference } from './creditor-reference.js';

export const EPC_MAX_BYTES = 331;
const MAX_NAME = 70;
const MAX_TEXT = 140;
/** EUR 0.01 to 999 999 999.99 (the amount field holds at most 12 characters after "EUR"). */
const MAX_AMOUNT = 999_999_999_99;

export interface EpcTransfer {
  beneficiary: string;
  iban: string;
  bic?: string;
  currency: string;
  /** Minor units (cents). */
  amount: number;
  /** The payment reference: a valid RF goes as structured remittance, anything else as text. */
  reference?: string;
  /** Text used when there is no valid RF (and none given as `reference`). */
  text?: string;
}

export type EpcPayload = { ok: true; payload: string } | { ok: false; reason: string };

const bytes = (s: string): number => new TextEncoder().encode(s).length;
/** Cut to `max` characters (code points, so a letter is never split), the spec's limits being in characters. */
const cut = (s: string, max: number): string => [...s.replace(/[\r\n]+/g, ' ').trim()].slice(0, max).join('');

const amountField = (cents: number): string => `EUR${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export const epcQrPayload = (t: EpcTransfer): EpcPayload => {
  if (t.currency !== 'EUR') return { ok: false, reason: `an EPC QR code is for euro transfers only (got ${t.currency})` };
  if (!Number.isSafeInteger(t.amount) || t.amount < 1 || t.amount > MAX_AMOUNT) return { ok: false, reason: `amount out of the EPC range 0.01-999999999.99 EUR (got ${t.amount} cents)` };
  const iban = electronicFormatIBAN(t.iban) ?? '';
  if (!isValidIBAN(iban)) return { ok: false, reason: 'the beneficiary IBAN is not valid' };
  const name = cut(t.beneficiary, MAX_NAME);
  if (name === '') return { ok: false, reason: 'the beneficiary has no name' };
  // Optional in version 002: a BIC that is not one is left out rather than refused by the bank.
  const bic = t.bic && isValidBIC(t.bic.trim().toUpperCase()) ? t.bic.trim().toUpperCase() : '';
  const rf = structuredReference(t.reference);
  const head = ['BCD', '002', '1', 'SCT', bic, name, iban, amountField(t.amount), '', rf ?? ''];
  let text = rf ? '' : cut(t.reference ?? t.text ?? '', MAX_TEXT);
  // A long name in a non-Latin script can take four bytes a letter: the free text gives way first.
  const size = (txt: string) => bytes([...head, txt].join('\n'));
  while (text && size(text) > EPC_MAX_BYTES) text = [...text].slice(0, -1).join('');
  const lines = text ? [...head, text] : head;
  const payload = lines.join('\n').replace(/\n+$/, '');
  if (bytes(payload) > EPC_MAX_BYTES) return { ok: false, reason: `the payload is over ${EPC_MAX_BYTES} bytes` };
  return { ok: true, payload };
};

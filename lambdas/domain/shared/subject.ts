/**
 * A header-safe e-mail subject. Every subject builder (customer messages, internal notices, the
 * ageing report) cleans its own, and SesMailer.send cleans every subject again as the last defence:
 * a name a customer typed ("Acme\r\nBcc: x@evil") never becomes a second header line. Pure.
 */

/** The longest subject kept: RFC 5322 recommends lines under 78 characters, SES takes far more. */
export const MAX_SUBJECT_LENGTH = 250;

/**
 * CR, LF and every other control or line-separator character become a space (no header
 * injection), runs of spaces fold to one, and the result is cut at MAX_SUBJECT_LENGTH chars.
 */
export const cleanSubject = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SUBJECT_LENGTH);

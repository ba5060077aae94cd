/** The console's wording editor: paragraphs in and out of one text (console/src/pages/wording-text.ts). */
import { describe, expect, it } from 'vitest';
import { WORDING_KINDS, paragraphsOf, sameWords, wordsAsText } from '../../console/src/pages/wording-text.js';
import { WORDING_KINDS as DOMAIN_KINDS } from '../../lambdas/domain/messages/wording.js';

describe('the paragraphs of a message as one text', () => {
  it('offers every kind the company may word', () => {
    expect([...WORDING_KINDS].sort()).toEqual([...DOMAIN_KINDS].sort());
  });

  it('gives back the paragraphs it was made of', () => {
    const body = ['Invoice {{invoiceNumber}} falls due on {{dueDate}}.', 'Pay to {{iban}}.\nReference {{paymentReference}}.', 'Thank you.'];
    expect(paragraphsOf(wordsAsText(body))).toEqual(body);
  });

  it('splits on blank lines whatever the line ends and the spaces on them, and drops empty paragraphs', () => {
    expect(paragraphsOf('  One.\r\n\r\nTwo,\r\nstill two.\n \t\n\n\nThree. \n')).toEqual(['One.', 'Two,\nstill two.', 'Three.']);
    expect(paragraphsOf('\n\n  \n')).toEqual([]);
  });

  it('tells the built-in words written back as they are from a change, an empty SMS standing for the built-in one', () => {
    const builtIn = { subject: 'Invoice {{invoiceNumber}}', body: ['One.', 'Two.'], sms: 'SMS {{invoiceShort}}' };
    const asTyped = (body: string, sms?: string) => ({ subject: 'Invoice {{invoiceNumber}}', body: paragraphsOf(body), ...(sms ? { sms } : {}) });
    expect(sameWords(asTyped(wordsAsText(builtIn.body), builtIn.sms), builtIn)).toBe(true);
    expect(sameWords(asTyped(wordsAsText(builtIn.body)), builtIn)).toBe(true);
    expect(sameWords(asTyped('One.\n\nTwo, changed.'), builtIn)).toBe(false);
    expect(sameWords(asTyped(wordsAsText(builtIn.body), 'Another SMS'), builtIn)).toBe(false);
  });
});

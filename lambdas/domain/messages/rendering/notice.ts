/**
 * Short internal notices to the supplier's own people, in the finance team's language: a credit
 * hold placed (to the sales rep), a customer's answer through a reminder link (to finance), a
 * contact that bounced (to finance, to fix the record). Words in templates/<lang>.json "internal".
 */
import { DateTime } from 'luxon';
import { formatDate, formatTotals, localeFor, totalsByCurrency } from '../../shared/format.js';
import { daysText } from './context.js';
import { cleanSubject, entry, fill, localeStrings, messageLayout, renderHtml, renderText, safeUrl, templateLanguage, type Vars } from './strings.js';

export type CustomerAnswer = 'paid' | 'promise' | 'dispute' | 'plan' | 'contact';

export interface NoticeFacts {
  creditHold: {
    /** Whom the notice greets: the sales rep. */
    recipient: string;
    customerName: string;
    invoiceNumber: string;
    currency: string;
    /** Minor units. */
    amountDue: number;
    daysLate: number;
    financeEmail: string;
    /** Every invoice the hold is for (one hold per customer); absent: the one above. */
    invoices?: { number: string; currency: string; amountDue: number; daysLate: number }[];
  };
  customerAnswered: {
    customerName: string;
    invoiceNumber: string;
    answer: CustomerAnswer;
    /** When the customer answered (ISO date-time), shown in `timeZone`. */
    at: string;
    timeZone: string;
    /** The promised date (ISO), for answer 'promise'. */
    promiseDate?: string;
    /** The customer's own words, if any. */
    detail?: string;
    /** Where the finance team opens the invoice. */
    url?: string;
  };
  /** The finance team: a credit hold withheld, nobody having reached the customer. */
  customerUnreached: {
    customerName: string;
    invoiceNumber: string;
    address: string;
    financeEmail: string;
  };
  contactBounced: {
    customerName: string;
    channel: 'email' | 'sms';
    address: string;
    reason: string;
    invoiceNumber?: string;
  };
}
export type NoticeKind = keyof NoticeFacts;

export interface RenderedNotice {
  subject: string;
  html: string;
  text: string;
}

const varsFor = (kind: NoticeKind, facts: NoticeFacts[NoticeKind], language: string): Vars => {
  const strings = localeStrings(language);
  const locale = localeFor(language);
  switch (kind) {
    case 'creditHold': {
      const f = facts as NoticeFacts['creditHold'];
      const { invoices: listed, ...one } = f;
      const invoices = listed && listed.length > 0 ? listed : [{ number: f.invoiceNumber, currency: f.currency, amountDue: f.amountDue, daysLate: f.daysLate }];
      const daysLate = Math.max(...invoices.map((i) => i.daysLate));
      return {
        ...one,
        many: invoices.length > 1,
        count: invoices.length,
        invoiceNumber: invoices.map((i) => i.number).join(', '),
        amountDue: formatTotals(totalsByCurrency(invoices.map((i) => ({ currency: i.currency, amount: i.amountDue }))), locale),
        daysLateText: daysText(strings, locale, daysLate),
      };
    }
    case 'customerAnswered': {
      const f = facts as NoticeFacts['customerAnswered'];
      const at = DateTime.fromISO(f.at, { zone: f.timeZone });
      if (!at.isValid) throw new RangeError(`renderNotice customerAnswered: at must be an ISO date-time and timeZone an IANA zone (${at.invalidExplanation})`);
      const answerTemplate = entry<string>(strings, ['internal', 'customerAnswered', 'answers', f.answer]);
      if (f.answer === 'promise' && !f.promiseDate) throw new RangeError('renderNotice customerAnswered: answer promise needs promiseDate');
      const { url, ...rest } = f;
      return {
        ...rest,
        at: at.setLocale(locale).toLocaleString(DateTime.DATETIME_MED),
        answer: fill(answerTemplate, { date: f.promiseDate ? formatDate(f.promiseDate, locale) : undefined }),
        url: safeUrl(url),
      };
    }
    case 'customerUnreached':
      return { ...(facts as NoticeFacts['customerUnreached']) };
    case 'contactBounced': {
      const f = facts as NoticeFacts['contactBounced'];
      return { ...f, channel: entry<string>(strings, ['internal', 'contactBounced', 'channels', f.channel]) };
    }
  }
};

/** A notice gathered into a digest: its subject as a heading over its paragraphs. */
export interface NoticeSection {
  heading: string;
  paragraphs: readonly string[];
}

/**
 * The HTML of a notice to the supplier's people or the agency, in `language`: the paragraphs as
 * text, escaped here; a digest adds its title and the notices it gathers.
 */
export const internalNoticeHtml = (
  language: string,
  subject: string,
  paragraphs: readonly string[],
  digest?: { title: string; sections: readonly NoticeSection[] },
): string => renderHtml(messageLayout().noticeHtml, { lang: templateLanguage(language), subject, paragraphs, title: digest?.title ?? false, sections: digest?.sections ?? [] });

export const renderNotice = <K extends NoticeKind>(kind: K, language: string, facts: NoticeFacts[K]): RenderedNotice => {
  const strings = localeStrings(language);
  const t = entry<{ subject: string; body: string[] }>(strings, ['internal', kind]);
  const vars = varsFor(kind, facts, language);
  const subject = cleanSubject(fill(t.subject, vars));
  const paragraphs = t.body.map((p) => fill(p, vars).trim()).filter((p) => p !== '');
  return {
    subject,
    html: internalNoticeHtml(language, subject, paragraphs),
    text: renderText(messageLayout().noticeText, { paragraphs }),
  };
};

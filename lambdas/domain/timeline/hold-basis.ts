/** What a credit hold was placed on, kept as facts so that every reader words it in its own language. */
export interface HoldBasis {
  invoices: number;
  oldestDaysPastDue: number;
  invoiceNumber?: string;
}

export const holdBasisOf = (held: readonly { invoice: { number: string }; daysPastDue: number }[]): HoldBasis => {
  const oldestDaysPastDue = Math.max(...held.map((h) => h.daysPastDue));
  return held.length === 1 ? { invoices: 1, oldestDaysPastDue, invoiceNumber: held[0]!.invoice.number } : { invoices: held.length, oldestDaysPastDue };
};

/** The English sentence stored beside the facts, for the API and the audit. */
export const holdReasonInEnglish = (b: HoldBasis): string =>
  b.invoices === 1 && b.invoiceNumber !== undefined
    ? `invoice ${b.invoiceNumber} unpaid ${b.oldestDaysPastDue} days after its due date`
    : `${b.invoices} invoices unpaid, the oldest ${b.oldestDaysPastDue} days after its due date`;

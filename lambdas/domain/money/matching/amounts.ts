/**
 * How a credit's amount settles the invoices a rule found: in full, in part, with an overpayment
 * left as customer credit, or short by no more than the currency's tolerance (bank charges), in
 * which case the invoices are settled and the shortfall recorded as a difference.
 */
import { toDecimalString } from '../../shared/format.js';
import type { Allocation, MatchDecision, Settlement, Tolerance } from './types.js';

export interface Due {
  invoiceId: string;
  customerId: string;
  /** What is left due now, in this run. */
  remaining: number;
}

export type SettlementResult = Pick<MatchDecision, 'allocations' | 'customerCredit' | 'difference'> & {
  settlement: Settlement;
  allocations: Allocation[];
  /** One line for the reasons. */
  summary: string;
};

export const money = (amount: number, currency: string): string => `${currency} ${toDecimalString(amount, currency)}`;

export const toleranceFor = (tolerances: readonly Tolerance[], currency: string): number =>
  Math.max(0, ...tolerances.filter((t) => t.currency === currency).map((t) => t.shortBy));

/** One invoice named by the credit: every amount settles it somehow. */
export const settleOne = (due: Due, amount: number, currency: string, shortBy: number): SettlementResult => {
  const { invoiceId, remaining } = due;
  if (amount === remaining) {
    return { settlement: 'exact', allocations: [{ invoiceId, amount, effect: 'settles' }], summary: `${money(amount, currency)} is exactly the amount due` };
  }
  if (amount > remaining) {
    const extra = amount - remaining;
    return {
      settlement: 'overpaid',
      allocations: [{ invoiceId, amount: remaining, effect: 'settles' }],
      customerCredit: { customerId: due.customerId, amount: extra, currency },
      summary: `${money(amount, currency)} is ${money(extra, currency)} more than the ${money(remaining, currency)} due: the rest becomes customer credit`,
    };
  }
  const short = remaining - amount;
  if (short <= shortBy) {
    return {
      settlement: 'settledWithDifference',
      allocations: [{ invoiceId, amount, effect: 'settlesWithDifference' }],
      difference: { amount: short, currency },
      summary: `${money(amount, currency)} is ${money(short, currency)} short of the ${money(remaining, currency)} due, within the ${money(shortBy, currency)} tolerance: settled, the difference recorded`,
    };
  }
  return {
    settlement: 'partial',
    allocations: [{ invoiceId, amount, effect: 'partial' }],
    summary: `${money(amount, currency)} of the ${money(remaining, currency)} due: a partial payment, ${money(short, currency)} left due`,
  };
};

/**
 * Several invoices paid by one transfer: only when their amounts add up (or fall short within
 * tolerance, the largest invoice taking the difference). Undefined otherwise: how to split a partial
 * or an overpayment among them is for a person to say.
 */
export const settleSeveral = (dues: readonly Due[], amount: number, currency: string, shortBy: number): SettlementResult | undefined => {
  const total = dues.reduce((s, d) => s + d.remaining, 0);
  const short = total - amount;
  if (short < 0 || short > shortBy) return undefined;
  const allocations: Allocation[] = dues.map((d) => ({ invoiceId: d.invoiceId, amount: d.remaining, effect: 'settles' }));
  if (short === 0) {
    return { settlement: 'exact', allocations, summary: `the ${dues.length} invoices total ${money(total, currency)}, exactly the credit` };
  }
  // The largest invoice takes the difference (the first of equals, in the order given).
  const taker = allocations.reduce((best, a) => (a.amount > best.amount ? a : best));
  if (taker.amount <= short) return undefined;
  taker.amount -= short;
  taker.effect = 'settlesWithDifference';
  return {
    settlement: 'settledWithDifference',
    allocations,
    difference: { amount: short, currency },
    summary: `the ${dues.length} invoices total ${money(total, currency)}, ${money(short, currency)} more than the credit, within the ${money(shortBy, currency)} tolerance: settled, the difference recorded`,
  };
};

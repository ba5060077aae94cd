/**
 * Collects what a reader finds into a StatementRead, keeping the number of rejections bounded.
 * A RiBa return's fee booked as a row of its own is kept aside and, at the end, given to the
 * nearest RiBa return of the same booking day still without a charge (or counted as a debit).
 */
import { MAX_REJECTIONS, type BankCredit, type BankRejection, type BankReturn, type StatementFormat, type StatementRead, type StatementSummary } from './types.js';

export class StatementBuilder {
  private readonly read: StatementRead;
  private dropped = 0;
  private readonly charges: ReturnCharge[] = [];

  constructor(format: StatementFormat) {
    this.read = { format, statements: [], credits: [], returns: [], debitsSkipped: 0, pendingSkipped: 0, rejections: [] };
  }

  statement(s: StatementSummary): void {
    this.read.statements.push(s);
  }

  credit(c: BankCredit): void {
    this.read.credits.push(c);
  }

  returned(r: BankReturn): void {
    this.read.returns.push(r);
  }

  /** The fee for a returned RiBa item, booked as its own debit. */
  returnCharge(c: ReturnCharge): void {
    this.charges.push(c);
  }

  debit(): void {
    this.read.debitsSkipped++;
  }

  pending(): void {
    this.read.pendingSkipped++;
  }

  reject(r: BankRejection): void {
    if (this.read.rejections.length < MAX_REJECTIONS) this.read.rejections.push(stripUndefined(r));
    else this.dropped++;
  }

  done(): StatementRead {
    for (const c of this.charges.splice(0)) {
      const target = this.read.returns
        .filter((r) => r.reason?.startsWith('RIBA_') && r.direction === 'debit' && r.charge === undefined && r.bookingDate === c.bookingDate)
        .sort((a, b) => Math.abs(a.entryIndex - c.entryIndex) - Math.abs(b.entryIndex - c.entryIndex))[0];
      if (target) target.charge = c.amount;
      else this.read.debitsSkipped++;
    }
    if (this.dropped > 0) {
      this.read.rejections.push({ field: 'file', reason: `${this.dropped} more rejections not listed` });
      this.dropped = 0;
    }
    return this.read;
  }
}

export interface ReturnCharge {
  entryIndex: number;
  bookingDate: string;
  /** Minor units, positive. */
  amount: number;
}

/** Drops keys whose value is undefined, so records compare and serialise cleanly. */
export const stripUndefined = <T extends object>(o: T): T => {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
};

/** Whitespace collapsed, trimmed; undefined when nothing is left. */
export const clean = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
};

/**
 * Day totals replaced by what they must hold while their writers keep writing: the repair's last
 * step for the ageing histogram (rebuild-ageing-days.ts) and the sales days (rebuild-sales-days.ts).
 * Round by round: read every day item with its write counter, compute what each must hold from
 * what the days sum (shares, issued items), read the day items again. A day whose counter did not
 * move between the two reads had nothing it sums changed meanwhile (every such change bumps its
 * days' counters in the same transaction), so the sum computed is exact: it is written on condition
 * that the counter is still the one read (a day of nothing is deleted). A day written meanwhile
 * waits for the next round.
 */
import type { LimitFunction } from 'p-limit';

export interface DaySettling<D> {
  key: (d: D) => string;
  /** Every day item in range, strongly consistent, with its write counter. */
  stored: () => Promise<(D & { writes: number })[]>;
  /** What every day in range must hold, from strongly consistent reads of what it sums. */
  expected: () => Promise<D[]>;
  /** The same day holding nothing. */
  emptied: (d: D) => D;
  isEmpty: (d: D) => boolean;
  /** Whether the stored day holds what is wanted. */
  holds: (stored: D, want: D) => boolean;
  /** Replaces the day under its counter (undefined: it must not exist); false when the counter moved. */
  write: (want: D, expectedWrites: number | undefined) => Promise<boolean>;
}

export interface Settled {
  /** Days that must hold something. */
  days: number;
  replaced: number;
  /** Days still written in every round: run again. */
  unsettled: number;
}

export const settleDays = async <D>(s: DaySettling<D>, limit: LimitFunction, rounds = 5): Promise<Settled> => {
  let pending: Set<string> | undefined;
  let replaced = 0;
  let days = 0;
  for (let round = 0; round < rounds && (pending === undefined || pending.size > 0); round++) {
    const first = new Map((await s.stored()).map((d) => [s.key(d), d]));
    const expected = new Map((await s.expected()).map((d) => [s.key(d), d]));
    const second = new Map((await s.stored()).map((d) => [s.key(d), d]));
    days = expected.size;
    const keys = pending ?? new Set([...first.keys(), ...expected.keys(), ...second.keys()]);
    const unsettled = new Set<string>();
    await Promise.all(
      [...keys].map((key) =>
        limit(async () => {
          const a = first.get(key);
          const b = second.get(key);
          if (a?.writes !== b?.writes) return void unsettled.add(key);
          const want = expected.get(key) ?? (b ? s.emptied(b) : undefined);
          // Nothing there and nothing wanted; right already; an empty day item a writer left behind is deleted.
          if (!want || (b ? !s.isEmpty(want) && s.holds(b, want) : s.isEmpty(want))) return;
          if (await s.write(want, b?.writes)) replaced++;
          else unsettled.add(key);
        }),
      ),
    );
    pending = unsettled;
  }
  return { days, replaced, unsettled: pending?.size ?? 0 };
};

/**
 * An invoice changed (the table stream): move its share of the ageing histogram
 * (domain/reports/ageing-days.ts) from where it is stored to where the new image puts it.
 * 1. The images give the same share: nothing moves, nothing is read.
 * 2. Read the stored share. A record at or before the last one applied (a retried batch, a batch
 *    resumed from an earlier failed record) is skipped: the histogram already holds a later image.
 * 3. In one transaction: the share is replaced (if its version is still the one read) and the
 *    difference between the stored share and the new one is ADDed to its days. The difference is
 *    taken from the stored share, not from the old image, so a share the repair wrote, or none at all
 *    (an invoice from before the histogram), is moved exactly too.
 * 4. The version moved in between (the repair, or another delivery of the same invoice): read again.
 */
import { dayMoves, isLaterSequence, sameShare, type DayShare } from '../../domain/reports/ageing-days.js';
import type { AgeingDayStore } from '../ports/ageing-days.js';

export interface AgeingChange {
  tenantId: string;
  invoiceId: string;
  /** The stream record's sequence number. */
  sequence: string;
  before?: DayShare;
  after?: DayShare;
}

export type AgeingOutcome = 'unchanged' | 'applied' | 'alreadyApplied';

export interface ApplyAgeingDeps {
  ageingDays: Pick<AgeingDayStore, 'share' | 'moveShare'>;
}

const ATTEMPTS = 5;

/** The share kept changing under us: the record fails and the stream delivers it again. */
export class AgeingShareContendedError extends Error {
  override readonly name = 'AgeingShareContended';
}

export const applyAgeingChange = async (deps: ApplyAgeingDeps, change: AgeingChange): Promise<AgeingOutcome> => {
  const { tenantId, invoiceId, sequence, before, after } = change;
  // 1. Nothing moves
  if (sameShare(before, after)) return 'unchanged';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // 2. Already applied
    const stored = await deps.ageingDays.share(tenantId, invoiceId);
    if (stored && !isLaterSequence(sequence, stored.sequence)) return 'alreadyApplied';
    // 3. Move the share
    const moved = await deps.ageingDays.moveShare({ tenantId, invoiceId, expectedVersion: stored?.version, sequence, to: after, moves: dayMoves(stored?.share, after) });
    if (moved) return 'applied';
    // 4. Written in between: read again
  }
  throw new AgeingShareContendedError(`invoice ${invoiceId}: its ageing share changed ${ATTEMPTS} times while being moved`);
};

/**
 * The supplier's own people (sales representatives, the finance inboxes, the collection agency)
 * hear at most once a day per customer and kind of notice: the first notice of the day leaves at
 * once, the later ones wait in the next day's digest (app/messaging/internal-notices.ts).
 */
export type NoticeAudience = 'salesRep' | 'finance' | 'agency';

export interface DigestKey {
  tenantId: string;
  customerId: string;
  audience: NoticeAudience;
  /** The kind of notice (creditHold, creditHoldReleased, customerAnswered, agencyCase, customerUnreached). */
  kind: string;
  /** The supplier's day (YYYY-MM-DD). */
  day: string;
}

export interface DigestEntry {
  at: string;
  subject: string;
  text: string;
}

export interface NoticeDigests {
  /**
   * Takes the day's one notice of this kind for the customer: false when it is taken already.
   * `released`: a day a refused notice gave back (releaseDay) may be taken too; only a digest does,
   * so a later notice of that day waits for the next morning while the refused one's digest leaves.
   */
  claimDay(key: DigestKey, opts?: { released?: boolean }): Promise<boolean>;
  /**
   * Gives back the day's notice a notice took and could not use (SES refused it for the sending
   * rate): the digest that carries it instead takes the day when it leaves.
   */
  releaseDay(key: DigestKey): Promise<void>;
  /**
   * Adds a notice to the digest of `key.day` (or, once that one has left, of the next day):
   * `created` when it is the digest's first entry (its delivery is to be scheduled).
   */
  add(key: DigestKey, to: readonly string[], entry: DigestEntry): Promise<{ created: boolean; day: string }>;
  /** Whether the digest still waits to be sent (it holds entries and has not left). */
  waiting(key: DigestKey): Promise<boolean>;
  /** Marks the digest sent and answers what it holds; undefined when it left already. */
  take(key: DigestKey, at: string): Promise<{ to: string[]; entries: DigestEntry[] } | undefined>;
  /** Undoes a take and the day's claim (`claimedDay`) when the digest's e-mail did not leave, so a retry sends it. */
  giveBack(key: DigestKey, claimedDay: string): Promise<void>;
}

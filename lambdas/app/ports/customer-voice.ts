/**
 * One voice per customer, in the product itself: a customer's messages are decided and sent one
 * at a time, whatever invoice's execution (or stream record) wants to speak, so two executions
 * waking at the same instant give one message whatever order they run in.
 */
export interface VoiceLease {
  tenantId: string;
  customerId: string;
  /** Only this holder releases it. */
  token: string;
  /**
   * Nobody spoke to the customer between `seen` (acquire's) and this turn: no turn was live when it
   * was read and none was taken since, so what was read with it is as current as a read now.
   */
  quiet?: boolean;
}

/** The customer's turn as read beside the case, before taking it (CustomerVoice.look). */
export interface VoiceSeen {
  /** How many turns were ever taken. */
  takes: number;
  /** Nobody held the turn when it was read. */
  free: boolean;
}

export interface CustomerVoice {
  /**
   * Waits until no one else speaks to the customer and takes the turn; TransientError when it stays
   * busy. Undefined when `notNeeded` says, while waiting, that there is nothing left to say (the
   * holder carried this message).
   */
  acquire(tenantId: string, customerId: string, notNeeded?: () => Promise<boolean>, seen?: VoiceSeen): Promise<VoiceLease | undefined>;
  /** The turn as it is now, read consistently (batched with the reads started beside it). */
  look(tenantId: string, customerId: string): Promise<VoiceSeen>;
  /** Gives the turn back (a lease that ran out is left to its next holder). */
  release(lease: VoiceLease): Promise<void>;
}

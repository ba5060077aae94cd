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
}

export interface CustomerVoice {
  /**
   * Waits until no one else speaks to the customer and takes the turn; TransientError when it stays
   * busy. Undefined when `notNeeded` says, while waiting, that there is nothing left to say (the
   * holder carried this message).
   */
  acquire(tenantId: string, customerId: string, notNeeded?: () => Promise<boolean>): Promise<VoiceLease | undefined>;
  /** Gives the turn back (a lease that ran out is left to its next holder). */
  release(lease: VoiceLease): Promise<void>;
}

/**
 * A write that one repository hands to another so both commit in one transaction (the credit
 * hold, the call sheet and the contact record go with the send guard's claim). Opaque here: only
 * the adapter that made it can read it.
 */
export interface TransactionPart {
  readonly kind: 'transaction-part';
}

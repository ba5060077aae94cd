/**
 * Condition expressions, each written once and used by name (the Powertools
 * DynamoDBPersistenceLayer style): a reviewer checks a condition in one place.
 * Placeholders they rely on are named in their comment.
 */

export const itemExists = 'attribute_exists(pk)';
export const itemIsNew = 'attribute_not_exists(pk)';

/** No send holds the invoice (dynamo-guard.ts): its lease is absent or ran out before `:now`. */
export const leaseIsFree = '(attribute_not_exists(sendingUntil) OR sendingUntil < :now)';
/** The lease is still the one this holder wrote (`:mine`): only it clears the lease. */
export const leaseIsMine = 'sendingUntil = :mine';

/** The execution is still the invoice's own: `#status`/`#revision`/`#run` against `:required`/`:rev`/`:run`. */
export const executionIsCurrent = '#status = :required AND #revision = :rev AND #run = :run';

/** The invoice is still on the run an execution was started for: `#revision`/`#run` against `:rev`/`:run`. */
export const runIsCurrent = '#revision = :rev AND #run = :run';
/** The invoice looks chased: `#status` is one of `:active0`, `:active1`, … (see statusIn). */
export const statusIn = (n: number): string => `#status IN (${Array.from({ length: n }, (_, i) => `:active${i}`).join(', ')})`;
/** The invoice carries no failure (a step's, a stream batch's or an ended execution's). */
export const carriesNoFailure = 'attribute_not_exists(failure)';

/** A contact-log entry whose outcome has not moved on from 'pending' (`:pending`). */
export const entryIsPending = 'outcome = :pending';

/** A task that is absent or done (`#s`, `:done`): opening it again is fine. */
export const taskIsNotOpen = 'attribute_not_exists(pk) OR #s = :done';
/** `#s` = `:open`. */
export const taskIsOpen = '#s = :open';

/** A tax-id item that is absent or already points at this customer (`:cid`). */
export const taxIdIsFreeOrMine = 'attribute_not_exists(pk) OR customerId = :cid';

/** A bank credit whose status is one of `:from0`, `:from1`, … (`#s`): see bankCreditStatusIn. */
export const bankCreditStatusIn = (n: number): string => `#s IN (${Array.from({ length: n }, (_, i) => `:from${i}`).join(', ')})`;
/** A bank credit no decision was written on yet. */
export const creditIsUndecided = 'attribute_not_exists(decidedAt)';

/** All of them. */
export const all = (...conditions: string[]): string => conditions.join(' AND ');

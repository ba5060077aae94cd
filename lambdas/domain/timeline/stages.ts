/** The timeline, in the order of its Wait states in statemachines/dunning.asl.json. */
export const STAGE_IDS = [
  'receiptCheck',
  'preDue',
  'dueDate',
  'firstOverdue',
  'secondOverdue',
  'phoneCall',
  'creditHold',
  'escalation',
] as const;
export type Stage = (typeof STAGE_IDS)[number];

/** Messages that are not timeline stages but still reach the customer. */
export const MESSAGE_KINDS = ['brokenPromise', 'instalmentMissed', 'instalmentDue', 'thankYou', 'paymentClaimAck', 'furtherReminder'] as const;

export type StageAction = 'email' | 'call' | 'creditHold' | 'escalation';

/** What each stage does; creditHold also sends the final notice e-mail. */
export const STAGE_ACTION: Record<Stage, StageAction> = {
  receiptCheck: 'email',
  preDue: 'email',
  dueDate: 'email',
  firstOverdue: 'email',
  secondOverdue: 'email',
  phoneCall: 'call',
  creditHold: 'creditHold',
  escalation: 'escalation',
};

/** A written reminder: what the backlog rule requires before a credit hold or an escalation. */
export const WRITTEN_STAGES: readonly Stage[] = ['receiptCheck', 'preDue', 'dueDate', 'firstOverdue', 'secondOverdue'];

export const stageIndex = (s: Stage): number => STAGE_IDS.indexOf(s);

/** Pascal-cased stage name used for the ASL state names (WaitPreDue, SendPreDue, …). */
export const stateSuffix = (s: Stage): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A company policy's extra written reminder (Policy.extraReminders), walked by the state machine's
 * one generic step (WaitExtraReminder, SendExtraReminder): its step key is `extra:<id>`, its guard
 * key too, and its message the `furtherReminder` kind.
 */
export type ExtraStep = `extra:${string}`;
/** A step of the timeline: a known stage or an extra written reminder. */
export type Step = Stage | ExtraStep;

/** At most this many extra written reminders in one policy. */
export const MAX_EXTRA_REMINDERS = 6;

export const EXTRA_PREFIX = 'extra:';
export const extraStep = (id: string): ExtraStep => `${EXTRA_PREFIX}${id}`;
export const isExtraStep = (step: string): step is ExtraStep => step.startsWith(EXTRA_PREFIX);
export const extraIdOf = (step: ExtraStep): string => step.slice(EXTRA_PREFIX.length);

/**
 * Where extra reminders may stand: after the second overdue reminder (more written steps before the
 * call and the hold) and after the credit hold (a last written word before the hand-off). Each place
 * is a Choice every execution passes (BeforePhoneCall, BeforeEscalation): one state transition per
 * invoice each, so the places are few; nothing follows the hand-off.
 */
export const EXTRA_AFTER = ['secondOverdue', 'creditHold'] as const satisfies readonly Stage[];
/** The known stage the walk reaches next after `after`: where the state machine branches to the extra step. */
export const stageAfter = (after: Stage): Stage | undefined => STAGE_IDS[stageIndex(after) + 1];

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
export const MESSAGE_KINDS = ['brokenPromise', 'instalmentMissed', 'instalmentDue', 'thankYou', 'paymentClaimAck'] as const;

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

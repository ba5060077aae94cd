/**
 * A company policy as the console shows and edits it. Pure (test/unit/console-policy-view.test.ts).
 * - stageRows: the timeline in the order the state machine runs it, each stage that is on, with the
 *   extra reminders after the stage they follow.
 * - policyJson: the JSON a finance user edits; a preset (read-only) as a copy with an id and name of
 *   its own, so saving it creates the company's policy instead of being refused.
 */
import type { components } from '../api/schema.js';

type CompanyPolicy = components['schemas']['CompanyPolicy'];
type Channel = 'email' | 'sms' | 'call';

/** statemachines/dunning.asl.json's order (lambdas/domain/timeline/stages.ts STAGE_IDS). */
export const STAGE_ORDER = ['receiptCheck', 'preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall', 'creditHold', 'escalation'] as const;

export interface StageRow {
  key: string;
  /** The stage, or for an extra reminder the stage it follows. */
  stage: string;
  extra: boolean;
  offsetDays: number;
  fromPrevious: boolean;
  channels: Channel[];
  tone?: string;
}

const defaultChannels = (stage: string): Channel[] => (stage === 'phoneCall' ? ['call'] : ['email']);

export const stageRows = (p: CompanyPolicy): StageRow[] => {
  const stages = (p.stages ?? {}) as Record<string, { enabled?: boolean; offsetDays: number; from?: 'due' | 'previous'; channels?: Channel[]; tone?: string } | undefined>;
  const extras = p.extraReminders ?? [];
  return STAGE_ORDER.flatMap((id) => {
    const s = stages[id];
    const own: StageRow[] = s && s.enabled !== false ? [{ key: id, stage: id, extra: false, offsetDays: s.offsetDays, fromPrevious: s.from === 'previous', channels: s.channels ?? defaultChannels(id), ...(s.tone ? { tone: s.tone } : {}) }] : [];
    const after = extras
      .filter((x) => x.after === id)
      .map((x): StageRow => ({ key: `extra-${x.id}`, stage: id, extra: true, offsetDays: x.offsetDays, fromPrevious: x.from === 'previous', channels: x.channels ?? ['email'], ...(x.tone ? { tone: x.tone } : {}) }));
    return [...own, ...after];
  });
};

export const policyJson = (p: CompanyPolicy, asCopy: boolean): string =>
  JSON.stringify(asCopy ? { ...p, id: `${p.id}-own`.slice(0, 64), name: `${p.name} (own)`.slice(0, 100) } : p, null, 2);

/** What the local workflow's tasks did, counted by stage and outcome (`phoneCall:queued`, `creditHold:placed`): the live status line reads it. */
export class TaskOutcomes {
  private readonly counts = new Map<string, number>();

  /** A task's output: counted when it says its stage and outcome, as every dunning task's does. */
  record(output: unknown): void {
    const o = output as { stage?: unknown; outcome?: unknown } | null;
    if (typeof o?.stage !== 'string' || typeof o.outcome !== 'string') return;
    const key = `${o.stage}:${o.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(stage: string, outcome: string): number {
    return this.counts.get(`${stage}:${outcome}`) ?? 0;
  }
}

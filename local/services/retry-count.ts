/**
 * `$$.State.RetryCount` on the local engine. aws-local-stepfunctions 3.0.0 builds a context object
 * without `State`, so a Task's Parameters that read `$$.State.RetryCount` would fail there with
 * States.Runtime. The local stacks rewrite that path to a per-execution record kept here
 * (`$$.LocalRetryCount.<state>`), and count each Task attempt as the engine's Retry will treat it:
 * a failure the state's first matching retrier still has attempts for is one more retry; anything
 * else (a success, a failure caught or not retried) ends the state and the count goes back to 0.
 * The count is the state's retries across all its retriers, 0 on its first attempt (AWS documents
 * `RetryCount` as the state's, not a retrier's).
 */

export const RETRY_COUNT_PATH = '$$.State.RetryCount';
const RECORD = 'LocalRetryCount';

interface Retrier {
  ErrorEquals: readonly string[];
  MaxAttempts?: number;
}
interface TaskLike {
  Type: string;
  Retry?: readonly Retrier[];
}

/** The ASL spec's default MaxAttempts, which the engine applies too. */
const DEFAULT_MAX_ATTEMPTS = 3;

/** The state as the local engine runs it: every `$$.State.RetryCount` read from the execution's record. */
export const withLocalRetryCount = <S>(stateName: string, state: S): S => {
  const rewrite = (value: unknown): unknown => {
    if (value === RETRY_COUNT_PATH) return `$$.${RECORD}.${stateName}`;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return rewrite(state) as S;
};

const matches = (retrier: Retrier, error: string): boolean =>
  retrier.ErrorEquals.some((e) => e === error || e === 'States.ALL' || (e === 'States.TaskFailed' && error !== 'States.Timeout'));

/** One execution's retry counts, by Task state. */
export class LocalRetryCounts {
  /** What `$$.LocalRetryCount.<state>` reads: the run's context object holds this very record. */
  readonly record: Record<string, number>;
  private readonly used = new Map<string, number[]>();

  constructor(private readonly states: Readonly<Record<string, TaskLike>>) {
    this.record = Object.fromEntries(Object.entries(states).filter(([, s]) => s.Type === 'Task').map(([name]) => [name, 0]));
  }

  /** The context fields a run needs for the rewritten paths. */
  context(): Record<string, Record<string, number>> {
    return { [RECORD]: this.record };
  }

  /** Runs one attempt of the Task state and counts it. */
  async attempt<T>(stateName: string, run: () => Promise<T>): Promise<T> {
    try {
      const out = await run();
      this.ended(stateName);
      return out;
    } catch (err) {
      this.failed(stateName, String((err as { name?: unknown } | undefined)?.name ?? 'Error'));
      throw err;
    }
  }

  private failed(stateName: string, error: string): void {
    const retriers = this.states[stateName]?.Retry ?? [];
    // As the engine does: the first retrier that matches decides, and one out of attempts ends the state.
    const i = retriers.findIndex((r) => matches(r, error));
    const used = this.used.get(stateName) ?? retriers.map(() => 0);
    if (i < 0 || used[i]! >= (retriers[i]!.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) return this.ended(stateName);
    used[i]!++;
    this.used.set(stateName, used);
    this.record[stateName] = (this.record[stateName] ?? 0) + 1;
  }

  private ended(stateName: string): void {
    this.used.delete(stateName);
    this.record[stateName] = 0;
  }
}

/** A whole definition as the local engine runs it, and a fresh execution's counts (one per run). */
export const locallyCounted = <D extends { States: Record<string, unknown> }>(definition: D): { definition: D; retries: LocalRetryCounts } => ({
  definition: { ...definition, States: Object.fromEntries(Object.entries(definition.States).map(([name, s]) => [name, withLocalRetryCount(name, s)])) },
  retries: new LocalRetryCounts(definition.States as Record<string, TaskLike>),
});

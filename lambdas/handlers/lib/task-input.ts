/**
 * The inputs the state machine hands its Task states (statemachines/dunning.asl.json Parameters).
 * Parsed with zod so a malformed input fails with the field and the reason, never a crash deeper in.
 */
import * as z from 'zod/mini';
import { STAGE_IDS } from '../../domain/timeline/stages.js';
import { StepId } from '../../domain/model.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

const Ids = lazySchema(() => ({
  tenantId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  revision: z.int().check(z.minimum(1)),
  run: z.int().check(z.minimum(0)),
}));

/**
 * A sending Task's place in its Retry: `$$.State.RetryCount` and the Retry's MaxAttempts for
 * Sollecito.Transient (app/timeline/execution.ts TaskAttempt). Absent: never the last attempt.
 */
export const Attempt = lazySchema(() => ({
  retryCount: z.optional(z.int().check(z.minimum(0))),
  lastRetry: z.optional(z.int().check(z.minimum(0))),
}));

const StageEnum = lazySchema(() => z.enum(STAGE_IDS));
const Plan = lazySchema(() => z.object({
  mode: z.enum(['timeline', 'promise', 'closed']),
  next: z.union([StageEnum, z.literal('none')]),
  at: z.record(StageEnum, z.string()),
  skip: z.array(StageEnum),
  extra: z.optional(z.object({ step: z.templateLiteral(['extra:', z.string()]), at: z.string(), before: StageEnum })),
  checkAt: z.optional(z.string()),
  resumeAt: z.optional(z.string()),
  reason: z.string(),
  warnings: z.optional(z.array(z.string())),
})) satisfies z.ZodMiniType<TimelinePlan>;

export const ExecutionInput = lazySchema(() => z.object(Ids));
/** PlanTimeline's input: the ids and when the execution started (`$$.Execution.StartTime`), for the re-plan bound. */
export const PlanTaskInput = lazySchema(() => z.object({ ...Ids, startedAt: z.optional(z.string()) }));
export type ExecutionInput = z.infer<typeof ExecutionInput>;

/** A written stage's task, or the extra reminder's (SendExtraReminder: `extra:<id>`). */
export const StageTaskInput = lazySchema(() => z.object({ ...Ids, ...Attempt, stage: StepId, plan: Plan }));
export type StageTaskInput = z.infer<typeof StageTaskInput>;

/** CheckPromise's input: also when the execution started, for its year (keep-within-year.ts). */
export const PromiseTaskInput = lazySchema(() => z.object({ ...Ids, ...Attempt, plan: Plan, startedAt: z.optional(z.string()) }));
export type PromiseTaskInput = z.infer<typeof PromiseTaskInput>;

export const FailureTaskInput = lazySchema(() => z.object({
  ...Ids,
  error: z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
}));
export type FailureTaskInput = z.infer<typeof FailureTaskInput>;

/** A state-machine input that does not have the expected shape. */
export class BadTaskInputError extends Error {
  override readonly name = 'Sollecito.BadInput';
}

export const parseTaskInput = <S extends z.ZodMiniType>(schema: S, event: unknown): z.infer<S> => {
  const out = z.safeParse(schema, event);
  if (out.success) return out.data;
  const issues = out.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new BadTaskInputError(`task input: ${issues}`);
};


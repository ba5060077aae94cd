/**
 * A Step Functions API on a loopback port (StartExecution, StopExecution, DescribeExecution,
 * GetExecutionHistory, ListExecutions) that runs the very ASL file with aws-local-stepfunctions.
 * The production SfnWorkflow adapter talks to it unchanged.
 *
 * Wait states are run through a clock-aware local override: in memory (the file is untouched)
 * each Wait becomes a Task of the same name whose local handler sleeps on the virtual clock until
 * the Wait's Timestamp/TimestampPath/Seconds instant, so a 60-day timeline plays in seconds and
 * the demo's discrete clock can jump from one wake-up to the next.
 *
 * The engine's context object has no `State`: a Task's `$$.State.RetryCount` is counted here per
 * execution (retry-count.ts), as the state's Retry makes its attempts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JSONPath } from 'jsonpath-plus';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import pLimit from 'p-limit';
import type { VirtualClock } from '../clock.js';
import type { Activity } from '../activity.js';
import { LocalRetryCounts, withLocalRetryCount } from './retry-count.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type TaskFn = (input: Json) => Promise<Json>;

export interface HistoryEvent {
  timestamp: string;
  type: string;
  state?: string;
  error?: string;
  cause?: string;
}

interface Execution {
  name: string;
  arn: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  abort: () => void;
  controller: AbortController;
  /** True while the execution sleeps on the clock in one of its Wait states. */
  parked: boolean;
  done: Promise<void>;
  /** What its Tasks read as `$$.State.RetryCount` (retry-count.ts). */
  retries: LocalRetryCounts;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What EventBridge's "Step Functions Execution Status Change" event carries, for the ended executions. */
export interface ExecutionStatusChange {
  executionArn: string;
  name: string;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  input: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate: number;
}

/**
 * The Standard workflow quotas AWS enforces (Step Functions "Quotas": maximum execution time one
 * year, 25,000 history events, 256 KiB per state input or output), applied here so that a timeline
 * that would fail in AWS fails locally too. Tests may lower them.
 */
export const STANDARD_QUOTAS = {
  maxExecutionMs: 365 * 86_400_000,
  maxHistoryEvents: 25_000,
  maxPayloadBytes: 256 * 1024,
} as const;
export type EngineQuotas = { readonly [K in keyof typeof STANDARD_QUOTAS]: number };

export interface SfnEmulatorOptions {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  clock: VirtualClock;
  activity: Activity;
  /** The handler that serves a Task state (by its Resource placeholder and name). */
  resolveTask: (stateName: string, resource: string) => TaskFn;
  quotas?: EngineQuotas;
  /** Called once when an execution ends: EventBridge's status-change event (the local stack routes it). */
  onStatusChange?: (change: ExecutionStatusChange) => void;
  /**
   * How many Task handlers run at once: one process stands in for Lambda, where every invocation
   * has its own function instance. A Task's TimeoutSeconds then counts from the moment its handler
   * starts, as in AWS: time spent queued for a slot here is this machine's, not the service's.
   */
  taskConcurrency?: number;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

// The engine arms a real setTimeout for a Task's timeout: keep it within 32 bits of milliseconds.
const MAX_REAL_TIMEOUT_SECONDS = 2_000_000;
// Stand-in ARNs so the definition validates; every Task is served by a local handler anyway.
const WAIT_RESOURCE = 'arn:aws:lambda:eu-south-1:000000000000:function:local-clock-wait';
const localArn = (stateName: string) => `arn:aws:lambda:eu-south-1:000000000000:function:local-${stateName}`;

/**
 * A Task state's TimeoutSeconds, timed from the handler's start: States.Timeout, which the state's
 * Retry and Catch see as AWS's. As in AWS, the handler itself is not stopped; its result is dropped.
 */
const withStateTimeout = <T>(work: Promise<T>, seconds: number, state: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${state} ran longer than its ${seconds} s state timeout`), { name: 'States.Timeout' })), seconds * 1000);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/**
 * aws-local-stepfunctions 3.0.0 sets `$$.Execution.StartTime` to the wall clock whatever the context
 * says; the product reads it (PlanTimeline's re-plan bound, the execution's year), so the emulator
 * reads it from a context field of its own that holds the start on the virtual clock.
 */
const START_TIME_PATH = '$$.Execution.StartTime';
const VIRTUAL_START_TIME_PATH = '$$.VirtualClock.StartTime';
const withVirtualStartTime = (value: unknown): unknown => {
  if (value === START_TIME_PATH) return VIRTUAL_START_TIME_PATH;
  if (Array.isArray(value)) return value.map(withVirtualStartTime);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withVirtualStartTime(v)]));
  return value;
};

export class SfnEmulator {
  private readonly executions = new Map<string, Execution>();
  /** The latest execution started for each tenant/invoice/revision/run (what a Task's input names). */
  private readonly byRun = new Map<string, Execution>();
  private readonly machine: StateMachine;
  private readonly taskFns: Record<string, TaskFn> = {};
  /** State types of the file as written (a Wait stays a Wait in the history). */
  private readonly stateTypes = new Map<string, string>();
  private server?: Server;
  private readonly quotas: EngineQuotas;

  constructor(private readonly opts: SfnEmulatorOptions) {
    this.quotas = opts.quotas ?? STANDARD_QUOTAS;
    const slots = opts.taskConcurrency ? pLimit(opts.taskConcurrency) : undefined;
    const states: Record<string, unknown> = {};
    for (const [name, state] of Object.entries(opts.definition.States)) {
      this.stateTypes.set(name, state.Type);
      if (state.Type === 'Wait') {
        const { Type: _t, Seconds, Timestamp, SecondsPath, TimestampPath, ...rest } = state as unknown as Record<string, unknown>;
        states[name] = { ...rest, Type: 'Task', Resource: WAIT_RESOURCE, TimeoutSeconds: MAX_REAL_TIMEOUT_SECONDS };
        this.taskFns[name] = this.waitFn({ Seconds, Timestamp, SecondsPath, TimestampPath } as WaitSpec);
      } else if (state.Type === 'Task') {
        const fn = opts.resolveTask(name, state.Resource);
        const timeoutSeconds = (state as { TimeoutSeconds?: number }).TimeoutSeconds;
        const run = slots && timeoutSeconds ? (input: Json) => withStateTimeout(fn(input), timeoutSeconds, name) : fn;
        const attempt = async (input: Json) => {
          this.checkPayload(name, 'input', input, input);
          const output = await opts.activity.track(() => (slots ? slots(() => run(input)) : run(input)));
          this.checkPayload(name, 'output', output, input);
          return output;
        };
        this.taskFns[name] = (input) => {
          const retries = this.executionFor(input)?.retries;
          return retries ? retries.attempt(name, () => attempt(input)) : attempt(input);
        };
        // With slots the emulator times the handler itself, from its start; the engine's own timer would count the queue.
        states[name] = withVirtualStartTime(withLocalRetryCount(name, { ...state, Resource: localArn(name), ...(slots && timeoutSeconds ? { TimeoutSeconds: MAX_REAL_TIMEOUT_SECONDS } : {}) }));
      } else {
        states[name] = withVirtualStartTime(state);
      }
    }
    this.machine = new StateMachine(
      { ...opts.definition, States: states } as StateMachineDefinition,
      { validationOptions: { checkArn: false, checkPaths: true } },
    );
  }

  /** Waits by the virtual clock. The sleeping execution is marked parked for the demo's settle check. */
  private waitFn(spec: WaitSpec): TaskFn {
    return async (input) => {
      const exec = this.executionFor(input);
      const at = waitInstant(spec, input, this.opts.clock.nowMs());
      const deadline = exec ? exec.startDate + this.quotas.maxExecutionMs : Infinity;
      if (exec) exec.parked = true;
      try {
        await this.opts.clock.sleepUntil(Math.min(at, deadline), exec?.controller.signal, exec?.name ?? '');
      } finally {
        if (exec) exec.parked = false;
      }
      if (exec && at > deadline) {
        this.end(exec, 'TIMED_OUT', 'ExecutionTimedOut', 'States.Timeout', `the execution reached Step Functions' maximum duration (${this.quotas.maxExecutionMs / 86_400_000} days) in ${exec.history.at(-1)?.state ?? 'a Wait state'}`);
        throw Object.assign(new Error('execution timed out'), { name: 'States.Timeout' });
      }
      return input;
    };
  }

  /** AWS fails the execution with States.DataLimitExceeded, which no Catch can take. */
  private checkPayload(state: string, what: 'input' | 'output', payload: Json, input: Json): void {
    const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8');
    if (bytes <= this.quotas.maxPayloadBytes) return;
    const exec = this.executionFor(input);
    const cause = `the ${what} of ${state} is ${bytes} bytes, over Step Functions' ${this.quotas.maxPayloadBytes}-byte limit`;
    if (exec) this.end(exec, 'FAILED', 'ExecutionFailed', 'States.DataLimitExceeded', cause);
    throw Object.assign(new Error(cause), { name: 'States.DataLimitExceeded' });
  }

  /** Ends a running execution the way the service does when a quota is hit (no Catch runs). */
  private end(exec: Execution, status: Exclude<ExecutionStatus, 'RUNNING' | 'SUCCEEDED'>, event: string, error: string, cause: string): void {
    if (exec.status !== 'RUNNING') return;
    exec.status = status;
    exec.error = error;
    exec.cause = cause;
    exec.stopDate = this.opts.clock.nowMs();
    this.record(exec, { type: event, error, cause });
    this.ended(exec);
    exec.controller.abort();
    exec.abort();
  }

  private ended(exec: Execution): void {
    if (exec.status === 'RUNNING' || !this.opts.onStatusChange) return;
    this.opts.onStatusChange({
      executionArn: exec.arn,
      name: exec.name,
      status: exec.status,
      input: exec.input,
      ...(exec.error ? { error: exec.error } : {}),
      ...(exec.cause ? { cause: exec.cause } : {}),
      startDate: exec.startDate,
      stopDate: exec.stopDate ?? this.opts.clock.nowMs(),
    });
  }

  // Tasks only see their input, so the execution is found by the tenant/invoice/run it carries.
  private executionFor(input: Json): Execution | undefined {
    const key = runKey(input);
    if (!key) return undefined;
    const latest = this.byRun.get(key);
    if (latest?.status === 'RUNNING') return latest;
    for (const e of this.executions.values()) if (e.status === 'RUNNING' && runKey(JSON.parse(e.input)) === key) return e;
    return undefined;
  }

  start(name: string, input: string): { executionArn: string; startDate: number } {
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.arn, startDate: existing.startDate / 1000 };
      }
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    const arn = `${this.opts.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const controller = new AbortController();
    const startDate = this.opts.clock.nowMs();
    const exec: Execution = {
      name,
      arn,
      input,
      status: 'RUNNING',
      startDate,
      history: [],
      controller,
      parked: false,
      abort: () => undefined,
      done: Promise.resolve(),
      retries: new LocalRetryCounts(this.opts.definition.States as Record<string, { Type: string }>),
    };
    this.executions.set(name, exec);
    const key = runKey(JSON.parse(input) as Json);
    if (key) this.byRun.set(key, exec);
    const run = this.machine.run(JSON.parse(input) as Json, {
      overrides: {
        taskResourceLocalHandlers: this.taskFns,
        retryIntervalOverrides: Object.fromEntries(Object.keys(this.taskFns).map((k) => [k, 0])),
      },
      noThrowOnAbort: true,
      context: { Execution: { Id: arn, Name: name, Input: JSON.parse(input) as Json, StartTime: new Date(startDate).toISOString() }, VirtualClock: { StartTime: new Date(startDate).toISOString() }, ...exec.retries.context() },
    });
    exec.abort = run.abort;
    this.record(exec, { type: 'ExecutionStarted' });
    const logs = (async () => {
      for await (const ev of run.eventLogs) {
        const e = ev as { type: string; state?: { name: string }; Error?: string; Cause?: unknown };
        if (e.type === 'ExecutionStarted') continue;
        this.record(exec, {
          type: e.type,
          ...(e.state ? { state: e.state.name } : {}),
          ...(e.Error ? { error: e.Error, cause: String(e.Cause ?? '') } : {}),
        });
      }
    })();
    exec.done = run.result.then(
      (output) => {
        if (exec.status !== 'RUNNING') return;
        exec.status = 'SUCCEEDED';
        exec.output = JSON.stringify(output ?? null);
        exec.stopDate = this.opts.clock.nowMs();
        this.ended(exec);
      },
      (err: unknown) => {
        if (exec.status !== 'RUNNING') return;
        const e = err as { name?: string; message?: string; cause?: { name?: string; message?: string } };
        exec.status = 'FAILED';
        exec.error = e.cause?.name ?? e.name ?? 'Error';
        exec.cause = e.cause?.message ?? e.message ?? '';
        exec.stopDate = this.opts.clock.nowMs();
        this.ended(exec);
      },
    ).then(() => logs);
    return { executionArn: arn, startDate: startDate / 1000 };
  }

  stop(arn: string, error?: string, cause?: string): { stopDate: number } {
    const exec = [...this.executions.values()].find((e) => e.arn === arn);
    if (!exec) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    if (exec.status === 'RUNNING') {
      exec.status = 'ABORTED';
      exec.error = error;
      exec.cause = cause;
      exec.stopDate = this.opts.clock.nowMs();
      this.record(exec, { type: 'ExecutionAborted', error, cause });
      this.ended(exec);
      exec.controller.abort();
      exec.abort();
    }
    return { stopDate: (exec.stopDate ?? this.opts.clock.nowMs()) / 1000 };
  }

  /** Every execution is either finished or asleep on the clock: nothing will happen until time moves. */
  settled(): boolean {
    for (const e of this.executions.values()) if (e.status === 'RUNNING' && !e.parked) return false;
    return true;
  }

  list(): readonly Omit<Execution, 'abort' | 'controller' | 'done'>[] {
    return [...this.executions.values()];
  }

  history(name: string): HistoryEvent[] {
    return this.executions.get(name)?.history ?? [];
  }

  /** Stops every running execution (shutdown) and waits for them to unwind. */
  async shutdown(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const e of running) this.stop(e.arn, 'Shutdown', 'local stack stopped');
    await Promise.allSettled(running.map((e) => e.done));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The history event as the Step Functions API shapes it (type names and *EventDetails). */
  private toAwsHistoryEvent(h: HistoryEvent, id: number): Record<string, unknown> {
    const base = { id, timestamp: Date.parse(h.timestamp) / 1000 };
    const errorDetails = { ...(h.error ? { error: h.error } : {}), ...(h.cause ? { cause: h.cause } : {}) };
    switch (h.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
        return { ...base, type: h.type };
      case 'ExecutionAborted':
        return { ...base, type: h.type, executionAbortedEventDetails: errorDetails };
      case 'ExecutionFailed':
        return { ...base, type: h.type, executionFailedEventDetails: errorDetails };
      case 'ExecutionTimedOut':
        return { ...base, type: h.type, executionTimedOutEventDetails: errorDetails };
      case 'StateEntered':
      case 'StateExited': {
        const kind = this.stateTypes.get(h.state ?? '') ?? 'Task';
        const detailsKey = h.type === 'StateEntered' ? 'stateEnteredEventDetails' : 'stateExitedEventDetails';
        return { ...base, type: `${kind}${h.type}`, [detailsKey]: { name: h.state } };
      }
      default:
        return { ...base, type: h.type === 'StateFailed' ? 'TaskFailed' : h.type, taskFailedEventDetails: { resourceType: 'lambda', resource: h.state, ...errorDetails } };
    }
  }

  private record(exec: Execution, e: Omit<HistoryEvent, 'timestamp'>): void {
    exec.history.push({ timestamp: this.opts.clock.now().toISOString(), ...e });
    // The service counts every event; a loop that never ends fails here as it would there.
    if (exec.history.length >= this.quotas.maxHistoryEvents && exec.status === 'RUNNING') {
      this.end(exec, 'FAILED', 'ExecutionFailed', 'States.Runtime', `the execution history reached Step Functions' limit of ${this.quotas.maxHistoryEvents} events`);
    }
  }

  /** Serves the Step Functions JSON 1.0 API on a loopback port. */
  listen(port: number): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${port}`));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const reply = (status: number, body: unknown, type?: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...(type ? { 'x-amzn-errortype': type } : {}) });
      res.end(JSON.stringify(body));
    };
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
      switch (target) {
        case 'StartExecution':
          return reply(200, this.start(body.name ?? crypto.randomUUID(), body.input ?? '{}'));
        case 'StopExecution':
          return reply(200, this.stop(body.executionArn ?? '', body.error, body.cause));
        case 'DescribeExecution': {
          const e = [...this.executions.values()].find((x) => x.arn === body.executionArn);
          if (!e) throw new ApiError('ExecutionDoesNotExist', 'Execution Does Not Exist');
          return reply(200, {
            executionArn: e.arn,
            stateMachineArn: this.opts.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: e.startDate / 1000,
            ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
            input: e.input,
            ...(e.output ? { output: e.output } : {}),
            ...(e.error ? { error: e.error } : {}),
            ...(e.cause ? { cause: e.cause } : {}),
          });
        }
        case 'ListExecutions':
          return reply(200, {
            executions: [...this.executions.values()]
              .filter((e) => !body.statusFilter || e.status === body.statusFilter)
              .map((e) => ({ executionArn: e.arn, stateMachineArn: this.opts.stateMachineArn, name: e.name, status: e.status, startDate: e.startDate / 1000 })),
          });
        case 'GetExecutionHistory': {
          const e = [...this.executions.values()].find((x) => x.arn === body.executionArn);
          if (!e) throw new ApiError('ExecutionDoesNotExist', 'Execution Does Not Exist');
          return reply(200, { events: e.history.map((h, i) => this.toAwsHistoryEvent(h, i + 1)) });
        }
        default:
          throw new ApiError('UnknownOperationException', `The local Step Functions does not implement ${target}`);
      }
    } catch (err) {
      if (err instanceof ApiError) return reply(400, { __type: err.type, message: err.message }, err.type);
      return reply(400, { __type: 'ValidationException', message: (err as Error).message }, 'ValidationException');
    }
  }
}

interface WaitSpec {
  Seconds?: number;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
}

const pick = (path: string, input: Json): Json => JSONPath({ path, json: input as object, wrap: false }) as Json;

const waitInstant = (spec: WaitSpec, input: Json, nowMs: number): number => {
  if (spec.Timestamp) return Date.parse(spec.Timestamp);
  if (spec.TimestampPath) {
    const v = pick(spec.TimestampPath, input);
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) throw Object.assign(new Error(`${spec.TimestampPath} is not a timestamp`), { name: 'States.Runtime' });
    return t;
  }
  const seconds = spec.Seconds ?? Number(spec.SecondsPath ? pick(spec.SecondsPath, input) : 0);
  return nowMs + seconds * 1000;
};

const runKey = (input: Json): string | undefined => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const { tenantId, invoiceId, revision, run } = input as Record<string, Json>;
  return tenantId && invoiceId ? `${String(tenantId)}|${String(invoiceId)}|${String(revision)}|${String(run)}` : undefined;
};

/**
 * One execution of statemachines/dunning.asl.json in aws-local-stepfunctions with every Task
 * served by its real handler module (statemachines/dunning.tasks.ts), Waits at zero and the
 * test's clock moved to each step's planned instant as the execution reaches it; and the local
 * services those handlers send through.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { DUNNING_TASKS, dunningTaskOf } from '../../statemachines/dunning.tasks.js';
import { localContext } from '../../local/lambda-context.js';
import { asFunction, enforceTableAccess } from '../../local/services/table-access.js';
import { documentClient } from '../../lambdas/adapters/dynamo/client.js';
import { substitutedDunningDefinition } from './dunning-definition.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startSmsSink, type RunningSmsSink } from '../../local/services/sms-sink.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { locallyCounted } from '../../local/services/retry-count.js';

type Json = Parameters<StateMachine['run']>[0];
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export const loadTaskHandlers = async (): Promise<Record<string, Handler>> =>
  Object.fromEntries(
    await Promise.all(DUNNING_TASKS.map(async ({ handler }) => [handler, ((await import(`../../lambdas/handlers/${handler}.ts`)) as { handler: Handler }).handler] as const)),
  );

interface TaskInput {
  stage?: string;
  plan?: { at: Record<string, string>; extra?: { step: string; at: string }; checkAt?: string };
}

/** The instant the Wait before this task would have ended: its stage's, the extra reminder's, or (CheckPromise) the check's. */
const waitedFor = (state: string, i: TaskInput): string | undefined => {
  if (state === 'CheckPromise') return i.plan?.checkAt;
  return i.stage?.startsWith('extra:') ? i.plan?.extra?.at : i.stage ? i.plan?.at[i.stage] : undefined;
};

export interface WalkOptions {
  input: { tenantId: string; invoiceId: string; revision: number; run: number };
  handlers: Record<string, Handler>;
  clock: { get(): Date; set(d: Date): void };
  /** Runs ahead of a Task's handler with how many times that state ran before. */
  before?: Record<string, (n: number) => Promise<void>>;
}

/** Runs the execution to its end; the states entered, in order. */
export const walkDunning = async (o: WalkOptions): Promise<string[]> => {
  enforceTableAccess(documentClient());
  // The engine has no $$.State.RetryCount: counted here as the Retry makes its attempts (retry-count.ts).
  const { definition, retries } = locallyCounted(substitutedDunningDefinition());
  const seen: Record<string, number> = {};
  const local: Record<string, (input: Json) => Promise<Json>> = {};
  for (const [state, s] of Object.entries(definition.States)) {
    if (s.Type !== 'Task') continue;
    const handler = dunningTaskOf(state)!.handler;
    local[state] = (input) =>
      retries.attempt(state, async () => {
        const waited = waitedFor(state, input as TaskInput);
        if (waited && Date.parse(waited) > o.clock.get().getTime()) o.clock.set(new Date(waited));
        await o.before?.[state]?.((seen[state] = (seen[state] ?? 0) + 1) - 1);
        // As its function: its DynamoDB requests meet its AWS role's actions (local/services/table-access.ts).
        return (await asFunction(handler, () => o.handlers[handler]!(input, localContext(handler)))) as Json;
      });
  }
  const waits = Object.keys(definition.States).filter((s) => definition.States[s]!.Type === 'Wait');
  const execution = new StateMachine(definition, { validationOptions: { checkArn: false } }).run(o.input, {
    overrides: { taskResourceLocalHandlers: local, waitTimeOverrides: Object.fromEntries(waits.map((w) => [w, 0])), retryIntervalOverrides: Object.fromEntries(Object.keys(local).map((t) => [t, 0])) },
    context: retries.context(),
  });
  const entered: string[] = [];
  const logs = (async () => {
    for await (const ev of execution.eventLogs) if (ev.type === 'StateEntered') entered.push(ev.state.name);
  })();
  await execution.result;
  await logs;
  return entered;
};

export interface TaskServices {
  ses: RunningSes;
  sms: RunningSmsSink;
  events: Awaited<ReturnType<typeof startEventsSink>>;
}

/** SES v2 local, the SMS sink and the EventBridge sink on the test's clock, and the environment the task handlers read. */
export const startTaskServices = async (o: { tenantId: string; name: string; now: () => Date; sender?: string }): Promise<TaskServices> => {
  const [ses, sms, events] = await Promise.all([startSes(), startSmsSink({ clock: { now: o.now } }), freePort().then((p) => startEventsSink(p, { now: o.now }))]);
  Object.assign(process.env, {
    TENANT_ID: o.tenantId,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
    SENDER_EMAIL: o.sender ?? 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: o.name,
    SMS_ORIGINATION_IDENTITY: '+390200000000',
    EVENT_BUS_NAME: `${o.name}-bus`,
    STATE_MACHINE_ARN: `arn:aws:states:eu-south-1:000000000000:stateMachine:${o.name}`,
  });
  return { ses, sms, events };
};

/**
 * Boots the whole product on one machine: DynamoDB Local, s3rver, SES v2 local, the SMS and
 * EventBridge stand-ins, the Step Functions emulator running statemachines/dunning.asl.json, the
 * HTTP API, the stream poller and the scheduled jobs. Every handler is the production module,
 * called in-process with the production AWS adapters pointed at these endpoints.
 */
import { TaskOutcomes } from './task-outcomes.js';
import { existsSync, mkdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { DynamoDBRecord, S3Event } from 'aws-lambda';
import { useClock, useSystemClock } from '../lambdas/adapters/clock.js';
import { VirtualClock } from './clock.js';
import { Activity } from './activity.js';
import { localContext } from './lambda-context.js';
import { ensureTable, startDynamo } from './services/dynamodb.js';
import { freePort, assertPortFree } from './services/ports.js';
import { startS3, S3_LOCAL_CREDENTIALS } from './services/s3.js';
import { startEventsSink } from './services/events-sink.js';
import { SfnEmulator, type EngineQuotas, type TaskFn } from './services/sfn-emulator.js';
import { executionStatusChangeEvent, routedByEndedExecutionsRule } from './execution-status-event.js';
import { StreamPoller } from './services/stream-poller.js';
import { streamFailureEvent } from './stream-failure-message.js';
import { LocalHttpApi, type HttpHandler } from './services/http-api.js';
import { startSes } from './services/ses.js';
import { startSesRateLimit } from './services/ses-rate-limit.js';
import { startSmsSink } from './services/sms-sink.js';
import { Scheduler } from './scheduler.js';
import { DynamoTimelineWakeUps } from '../lambdas/adapters/dynamo-timeline-wake-ups.js';
import { documentClient, tableFromEnv } from '../lambdas/adapters/dynamo/client.js';
import { asFunction, enforceTableAccess } from './services/table-access.js';
import { polyfillWithResolvers } from './polyfills.js';
import { localLinkSecret } from './link-secret.js';
import { REPORT_SCHEDULE } from '../lambdas/domain/reports/report.js';
import { dunningTaskOf } from '../statemachines/dunning.tasks.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const TENANT_ID = 'demo';
const REGION = 'eu-south-1';
const TABLE = 'sollecito';
const BUCKET = 'sollecito-documents';
/** Task invocations running at once in the local stack (a stand-in for the Lambda concurrency limit). */
const LOCAL_TASK_CONCURRENCY = 32;
const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:000000000000:stateMachine:sollecito-dunning`;

export interface StackOptions {
  mode: 'scaled' | 'discrete';
  today: string;
  speed?: number;
  /** Persist DynamoDB and S3 here; a throwaway directory otherwise. */
  dataDir?: string;
  /** The HTTP API port (admin + customer pages); a free one otherwise. */
  port?: number;
  /** Where SMS texts, call tasks and EventBridge events are written as JSONL. */
  outDir: string;
  /** The built finance console (console/build.ts), served at <apiUrl>/console/. */
  consoleDir?: string;
  onError?: (where: string, err: unknown) => void;
  /** Step Functions' quotas for the engine (STANDARD_QUOTAS otherwise): a test lowers the maximum duration. */
  quotas?: EngineQuotas;
  /**
   * SES's maximum sending rate enforced in front of SES local (local/services/ses-rate-limit.ts),
   * and the planner spreading written stages at it over a morning of `sendSpreadVolume` reminders
   * (the deploy settings sesMaxSendRate, sendSpreadVolume). Absent: SES local takes any rate and
   * every stage leaves at the window's opening.
   */
  sesMaxSendRate?: number;
  sendSpreadVolume?: number;
  /** The product's DynamoDB requests go through this endpoint instead (a counting proxy in front of DynamoDB Local; streams stay direct). */
  dynamoVia?: (endpoint: string) => Promise<string>;
}

type Handler = (event: unknown, context: ReturnType<typeof localContext>) => Promise<unknown>;

const handlerFile = (name: string) => join(ROOT, 'lambdas', 'handlers', `${name}.ts`);

/** Imports a production handler module once; undefined when that handler does not exist (yet). */
const handlers = new Map<string, Promise<Handler | undefined>>();
export const loadHandler = (name: string): Promise<Handler | undefined> => {
  if (!handlers.has(name)) {
    handlers.set(
      name,
      existsSync(handlerFile(name))
        ? // Run as its function: its DynamoDB requests meet its AWS role (services/table-access.ts).
          import(handlerFile(name)).then((m: { handler: Handler }): Handler => (event, context) => asFunction(name, () => m.handler(event, context)))
        : Promise.resolve(undefined),
    );
  }
  return handlers.get(name)!;
};

export type LocalStack = Awaited<ReturnType<typeof startStack>>;

export const startStack = async (opts: StackOptions) => {
  polyfillWithResolvers();
  if (opts.port !== undefined) await assertPortFree(opts.port);
  // npm start releases the clock once booted and seeded (clock.release()); the demo drives it itself.
  const clock = new VirtualClock({ start: new Date(`${opts.today}T07:00:00Z`), mode: opts.mode, speed: opts.speed, held: opts.mode === 'scaled' });
  useClock(clock);
  const activity = new Activity();
  const onError = opts.onError ?? ((where, err) => console.error(`[${where}]`, err));
  let stopping = false;
  let rearmWakeUps: () => Promise<void> = async () => undefined;
  // Work cut off by the shutdown (a stream batch whose DynamoDB just went away) is not a problem to report.
  const report = (where: string, err: unknown) => {
    if (!stopping) onError(where, err);
  };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    useSystemClock();
  };

  try {
    mkdirSync(opts.outDir, { recursive: true });
    const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'sollecito-'));
    if (!opts.dataDir) stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    mkdirSync(join(dataDir, 's3'), { recursive: true });
    if (opts.dataDir) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });

    enforceTableAccess(documentClient(), TENANT_ID);
    const dynamo = await startDynamo(opts.dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {});
    stops.push(dynamo.stop);
    await ensureTable(dynamo.endpoint, TABLE);

    const pendingS3: Promise<unknown>[] = [];
    const s3 = await startS3({
      directory: join(dataDir, 's3'),
      bucket: BUCKET,
      onObjectCreated: (event: S3Event) => {
        // As the bucket's notifications in AWS (infra/constructs/ingest.ts, bank-statements.ts): bank/ has its own function.
        const name = event.Records.every((r) => r.s3.object.key.startsWith('bank/')) ? 'bank-statements' : 'ingest';
        const p = activity.track(async () => {
          const ingest = await loadHandler(name);
          if (!ingest) return report(name, new Error(`lambdas/handlers/${name}.ts is missing`));
          await ingest(event, localContext(name)).catch((err: unknown) => report(name, err));
        });
        pendingS3.push(p);
        void p.finally(() => pendingS3.splice(pendingS3.indexOf(p), 1));
      },
    });
    stops.push(s3.stop);

    const ses = await startSes();
    stops.push(ses.stop);
    const sesRate = opts.sesMaxSendRate ? await startSesRateLimit(ses.endpoint, opts.sesMaxSendRate) : undefined;
    if (sesRate) stops.push(sesRate.stop);
    const sms = await startSmsSink({ file: join(opts.outDir, 'sms.jsonl'), clock });
    stops.push(sms.stop);
    const events = await startEventsSink(await freePort(), clock, join(opts.outDir, 'events.jsonl'));
    stops.push(events.stop);

    const definition = JSON.parse(readFileSync(join(ROOT, 'statemachines', 'dunning.asl.json'), 'utf8')) as StateMachineDefinition;
    const taskOutcomes = new TaskOutcomes();
    const sfn = new SfnEmulator({
      definition,
      stateMachineArn: STATE_MACHINE_ARN,
      clock,
      activity,
      ...(opts.quotas ? { quotas: opts.quotas } : {}),
      // As the EndedExecutions rule in AWS (infra/constructs/ended-executions.ts): a chase that failed,
      // timed out or was aborted from outside is recorded on its invoice. Not the stops of the shutdown.
      onStatusChange: (change) => {
        // An execution that ended Closed may have recorded its next run's wake-up (keep-within-year.ts).
        if (!stopping && change.status === 'SUCCEEDED') void activity.track(() => rearmWakeUps());
        if (stopping || !routedByEndedExecutionsRule(change)) return;
        void activity.track(async () => {
          const h = await loadHandler('ended-executions');
          if (!h) return;
          await h(executionStatusChangeEvent(change, STATE_MACHINE_ARN, REGION), localContext('ended-executions')).catch((err: unknown) => report('ended-executions', err));
        });
      },
      resolveTask: (stateName, resource): TaskFn => {
        const task = dunningTaskOf(stateName);
        if (!task) throw new Error(`Task ${stateName} is not listed in statemachines/dunning.tasks.ts`);
        if (resource !== `\${${task.substitution}}`) throw new Error(`Task ${stateName}: resource ${resource} is not \${${task.substitution}} (statemachines/dunning.tasks.ts)`);
        const name = task.handler;
        return async (input) => {
          const h = await loadHandler(name);
          if (!h) throw Object.assign(new Error(`lambdas/handlers/${name}.ts is missing`), { name: 'Lambda.ResourceNotFoundException' });
          const out = await h(input, localContext(name));
          taskOutcomes.record(out);
          return out as never;
        };
      },
      // In AWS every task is its own Lambda with its own connections; in one process, thousands of
      // executions waking at 09:00 would queue on one socket pool. Cap the tasks running at once
      // (their state timeouts count from their start, as in AWS).
      taskConcurrency: LOCAL_TASK_CONCURRENCY,
    });
    const sfnEndpoint = await sfn.listen(await freePort());
    stops.push(() => sfn.shutdown());

    // The production adapters find the local services through the SDK's own endpoint variables.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: S3_LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: opts.dynamoVia ? await opts.dynamoVia(dynamo.endpoint) : dynamo.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesRate?.endpoint ?? ses.endpoint,
      ...(opts.sesMaxSendRate && opts.sendSpreadVolume ? { SES_MAX_SEND_RATE: String(opts.sesMaxSendRate), SEND_SPREAD_VOLUME: String(opts.sendSpreadVolume) } : {}),
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      TABLE_NAME: TABLE,
      BUCKET_NAME: BUCKET,
      STATE_MACHINE_ARN,
      TENANT_ID,
      SENDER_EMAIL: 'crediti@officinerossi.example',
      SES_CONFIGURATION_SET: 'sollecito-local',
      SMS_ORIGINATION_IDENTITY: '+390000000000',
      EVENT_BUS_NAME: 'sollecito-local',
      POWERTOOLS_SERVICE_NAME: 'sollecito-local',
      POWERTOOLS_METRICS_NAMESPACE: 'Sollecito',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_IDEMPOTENCY_DISABLED: process.env.POWERTOOLS_IDEMPOTENCY_DISABLED ?? 'false',
      AWS_LAMBDA_FUNCTION_NAME: 'sollecito-local',
      // The customer-link signing key (Secrets Manager in AWS), kept across restarts with the data.
      LINK_SECRET: localLinkSecret(dataDir),
    });

    const poller = new StreamPoller({
      endpoint: dynamo.endpoint,
      region: REGION,
      credentials: S3_LOCAL_CREDENTIALS,
      tableName: TABLE,
      activity,
      // The same filter as the event source mapping in AWS: invoice items only.
      filter: (r: DynamoDBRecord) => (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.entity?.S === 'invoice',
      handler: async (event) => {
        const h = await loadHandler('table-stream');
        if (!h) throw new Error('lambdas/handlers/table-stream.ts is missing');
        return (await h(event, localContext('table-stream'))) as never;
      },
      onError: (err) => report('table-stream', err),
      // As the StreamFailures queue feeds stream-failures in AWS: the invoices are marked failed.
      onGiveUp: async (batch) => {
        const h = await loadHandler('stream-failures');
        if (!h) return;
        const out = (await h(streamFailureEvent(batch, REGION, clock.now()), localContext('stream-failures'))) as { batchItemFailures?: unknown[] } | undefined;
        if (out?.batchItemFailures?.length) report('stream-failures', new Error('the invoices of a failed stream batch could not be marked'));
      },
    });
    await poller.init();
    stops.push(() => poller.stop());

    // The second consumer, as in AWS (infra/constructs/dossier.ts): escalated invoices only.
    const dossiers = new StreamPoller({
      endpoint: dynamo.endpoint,
      region: REGION,
      credentials: S3_LOCAL_CREDENTIALS,
      tableName: TABLE,
      activity,
      filter: (r: DynamoDBRecord) => r.dynamodb?.NewImage?.entity?.S === 'invoice' && r.dynamodb?.NewImage?.status?.S === 'escalated',
      handler: async (event) => {
        const h = await loadHandler('hand-over-dossier');
        if (!h) throw new Error('lambdas/handlers/hand-over-dossier.ts is missing');
        return (await h(event, localContext('hand-over-dossier'))) as never;
      },
      onError: (err) => report('hand-over-dossier', err),
    });
    await dossiers.init();
    stops.push(() => dossiers.stop());
    /** Both stream consumers, polled together. */
    const streams = {
      pollOnce: async (): Promise<number> => (await poller.pollOnce()) + (await dossiers.pollOnce()),
      startLoop: (intervalMs?: number): void => {
        poller.startLoop(intervalMs);
        dossiers.startLoop(intervalMs);
      },
    };

    const financeUser = { sub: 'local-finance', email: 'finance@officinerossi.example', groups: ['finance' as const] };
    const viewerUser = { sub: 'local-viewer', email: 'viewer@officinerossi.example', groups: ['viewer' as const] };
    const api = new LocalHttpApi({
      port: opts.port ?? (await freePort()),
      clock,
      activity,
      admin: () => loadHandler('admin-api') as Promise<HttpHandler | undefined>,
      customer: () => loadHandler('customer-pages') as Promise<HttpHandler | undefined>,
      context: localContext,
      ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
      // The console signs in as the finance user; `?login_hint=viewer@…` as the read-only viewer.
      signInUsers: [financeUser, viewerUser],
    });
    const apiUrl = await api.listen();
    stops.push(() => api.stop());
    process.env.PUBLIC_BASE_URL = apiUrl;
    const financeToken = api.issueToken(financeUser);
    const viewerToken = api.issueToken(viewerUser);
    const consoleUrl = api.consoleUrl(apiUrl);
    const viewerConsoleUrl = api.consoleUrl(apiUrl, viewerUser.email);

    const scheduler = new Scheduler(clock, activity, (name, err) => report(name, err));
    stops.push(async () => scheduler.stop());
    // EventBridge Scheduler's weekly ageing report, with the input the AWS schedule sends.
    scheduler.weekly({
      name: 'ageing-report',
      weekday: REPORT_SCHEDULE.weekday,
      time: REPORT_SCHEDULE.time,
      timeZone: REPORT_SCHEDULE.timeZone,
      run: async (at) => {
        const h = await loadHandler('ageing-report');
        if (h) await h({ scheduledTime: at.toISOString() }, localContext('ageing-report'));
      },
    });

    // The timelines' wake-ups: in AWS an hourly schedule (infra/constructs/wake-ups.ts) invokes
    // wake-timelines; here it is invoked at the first recorded wake-up, with the same input.
    const wakeUps = new DynamoTimelineWakeUps(tableFromEnv());
    rearmWakeUps = scheduler.due({
      name: 'wake-timelines',
      next: async () => {
        const at = await wakeUps.first(TENANT_ID);
        return at === undefined ? undefined : new Date(at);
      },
      run: async (at) => {
        const h = await loadHandler('wake-timelines');
        if (h) await h({ scheduledTime: at.toISOString() }, localContext('wake-timelines'));
      },
    });

    return {
      clock,
      activity,
      sfn,
      taskOutcomes,
      poller: streams,
      api,
      apiUrl,
      financeToken,
      viewerToken,
      consoleUrl,
      viewerConsoleUrl,
      ses,
      ...(sesRate ? { sesRate } : {}),
      sms,
      events,
      scheduler,
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      bucket: BUCKET,
      tableName: TABLE,
      pendingS3,
      stop: stopAll,
      /** Discrete mode: returns once every execution sleeps on the clock and nothing else is in flight. */
      settle: async (): Promise<void> => {
        for (let quiet = 0; quiet < 2; ) {
          await new Promise((r) => setTimeout(r, 2));
          if (activity.busy || !sfn.settled() || pendingS3.length > 0) {
            quiet = 0;
            continue;
          }
          if ((await streams.pollOnce()) > 0) quiet = 0;
          else quiet++;
        }
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
};

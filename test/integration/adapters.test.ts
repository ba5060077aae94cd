/**
 * The AWS adapters against local services, configured only through the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> variables (as the local stack does): SES v2 local, the SMS sink,
 * s3rver, the Step Functions emulator, the EventBridge sink. Errors no local service can produce
 * (throttling, failed entries) through aws-sdk-client-mock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { BadRequestException, SESv2Client, SendEmailCommand, MessageRejected, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand, ThrottlingException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startSmsSink, type RunningSmsSink } from '../../local/services/sms-sink.js';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { freePort } from '../../local/services/ports.js';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { SendingRateExceededError } from '../../lambdas/app/task-errors.js';
import { PinpointSmsSender } from '../../lambdas/adapters/sms-sender.js';
import { BlobNotFoundError, S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { EventBridgeEvents } from '../../lambdas/adapters/eventbridge-events.js';

polyfillWithResolvers();

const BUCKET = 'adapters-test';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:adapters-test';
const clock = new VirtualClock({ start: new Date('2026-03-02T09:00:00Z'), mode: 'discrete' });

let ses: RunningSes;
let sms: RunningSmsSink;
let s3: RunningS3;
let s3Dir: string;
let events: Awaited<ReturnType<typeof startEventsSink>>;
let sfn: SfnEmulator;

beforeAll(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'sollecito-adapters-'));
  [ses, sms, s3, events] = await Promise.all([
    startSes(),
    startSmsSink({ clock }),
    startS3({ directory: s3Dir, bucket: BUCKET, onObjectCreated: () => undefined }),
    freePort().then((p) => startEventsSink(p, clock)),
  ]);
  // A one-step machine that sleeps on the (never advanced) clock: its executions stay RUNNING.
  sfn = new SfnEmulator({
    definition: {
      StartAt: 'WaitForever',
      States: { WaitForever: { Type: 'Wait', Timestamp: '2099-01-01T00:00:00Z', End: true } },
    } as unknown as StateMachineDefinition,
    stateMachineArn: STATE_MACHINE_ARN,
    clock,
    activity: new Activity(),
    resolveTask: () => async (input) => input,
  });
  const sfnEndpoint = await sfn.listen(await freePort());
  Object.assign(process.env, {
    AWS_REGION: 'eu-south-1',
    AWS_ACCESS_KEY_ID: S3_LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    BUCKET_NAME: BUCKET,
    STATE_MACHINE_ARN,
    EVENT_BUS_NAME: 'adapters-test-bus',
    SES_CONFIGURATION_SET: 'adapters-test',
    SMS_ORIGINATION_IDENTITY: '+390200000000',
  });
});

afterAll(async () => {
  await sfn?.shutdown();
  await Promise.all([ses?.stop(), sms?.stop(), s3?.stop(), events?.stop()]);
  rmSync(s3Dir, { recursive: true, force: true });
});

const mail = {
  from: 'crediti@fornitore.example',
  to: ['ap@cliente.example'],
  replyTo: 'amministrazione@fornitore.example',
  subject: 'Promemoria: fattura 2026/0042 in scadenza',
  html: '<p>Gentile cliente, la fattura <b>2026/0042</b> scade il 14/03/2026.</p>',
  text: 'Gentile cliente, la fattura 2026/0042 scade il 14/03/2026.',
  tags: { tenant: 'demo', invoice: 'INV 42/2026', stage: 'preDue' },
};

describe('SesMailer on SES v2 local', () => {
  it('delivers subject, html, text, sender, recipient and reply-to', async () => {
    const { messageId } = await new SesMailer().send(mail);
    const got = ses.messages().find((m) => m.messageId === messageId);
    expect(got).toMatchObject({
      from: mail.from,
      destination: { to: mail.to },
      replyTo: [mail.replyTo],
      subject: mail.subject,
      body: { html: mail.html, text: mail.text },
    });
  });

  it('delivers an attachment intact', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n% a tiny test document\n%%EOF\n');
    const { messageId } = await new SesMailer().send({
      ...mail,
      attachments: [{ filename: '2026-0042.pdf', contentType: 'application/pdf', content: pdf }],
    });
    const got = ses.messages().find((m) => m.messageId === messageId);
    expect(got?.attachments).toHaveLength(1);
    expect(got?.attachments[0]).toMatchObject({ filename: '2026-0042.pdf', contentType: 'application/pdf', size: pdf.byteLength });
    expect(Buffer.from(got!.attachments[0]!.content, 'base64')).toEqual(Buffer.from(pdf));
  });
});

describe('SesMailer against an account SES refuses (SES v2 local, issue 20 item 4)', () => {
  afterEach(() => ses.setAccount({ sending: 'enabled' }));

  it.each([
    ['sending paused', { sending: 'paused' as const }, 'SendingPausedException'],
    ['the account suspended', { sending: 'suspended' as const }, 'AccountSuspendedException'],
    ['a sandbox account writing to an unverified address', { sending: 'enabled' as const, sandbox: { verified: ['fornitore.example'] } }, 'MessageRejected'],
  ])('turns %s into Sollecito.SenderBlocked: retried much later, the recipient not blamed, nothing accepted', async (_what, account, sdkName) => {
    ses.setAccount(account);
    const before = { accepted: ses.sent().length, refused: ses.refused() };
    const err = (await new SesMailer().send(mail).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ name: 'Sollecito.SenderBlocked' });
    expect((err.cause as Error).name).toBe(sdkName);
    expect(ses.sent()).toHaveLength(before.accepted);
    expect(ses.refused()).toBe(before.refused + 1);
  });

  it('sends again once the sandbox verifies the recipient, or the account resumes', async () => {
    ses.setAccount({ sending: 'enabled', sandbox: { verified: ['fornitore.example', 'ap@cliente.example'] } });
    await expect(new SesMailer().send(mail)).resolves.toMatchObject({ messageId: expect.any(String) });
  });
});

describe('SES errors', () => {
  let sesMock: AwsClientStub<SESv2Client>;
  beforeAll(() => {
    sesMock = mockClient(SESv2Client);
  });
  afterEach(() => sesMock.reset());
  afterAll(() => sesMock.restore());

  it('turns throttling into Sollecito.Transient, so the state machine retries', async () => {
    sesMock.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    await expect(new SesMailer().send(mail)).rejects.toMatchObject({ name: 'Sollecito.Transient' });
  });

  it('tells a spent daily quota from the per-second rate (no local service answers the daily one)', async () => {
    sesMock.on(SendEmailCommand).rejects(Object.assign(new Error('Daily message quota exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    const daily = await new SesMailer().send(mail).catch((e: unknown) => e);
    expect(daily).toBeInstanceOf(SendingRateExceededError);
    expect(daily).toMatchObject({ name: 'Sollecito.Transient', daily: true });
  });

  it('turns a 5xx into Sollecito.Transient', async () => {
    const err = Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    sesMock.on(SendEmailCommand).rejects(err);
    await expect(new SesMailer().send(mail)).rejects.toMatchObject({ name: 'Sollecito.Transient' });
  });

  it('passes a permanent rejection of the message or its recipient through unchanged', async () => {
    // No local service answers these: a refused content, a malformed address.
    sesMock.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Message length is more than 40 MB', $metadata: { httpStatusCode: 400 } }));
    await expect(new SesMailer().send(mail)).rejects.toMatchObject({ name: 'MessageRejected' });
    sesMock.on(SendEmailCommand).rejects(new BadRequestException({ message: "Missing final '@domain'", $metadata: { httpStatusCode: 400 } }));
    await expect(new SesMailer().send(mail)).rejects.toMatchObject({ name: 'BadRequestException' });
  });

  it('sends the configuration set and tags SES accepts (ids only, sanitised)', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await new SesMailer().send(mail);
    expect(sesMock).toHaveReceivedCommandWith(SendEmailCommand, {
      ConfigurationSetName: 'adapters-test',
      EmailTags: [
        { Name: 'tenant', Value: 'demo' },
        { Name: 'invoice', Value: 'INV_42_2026' },
        { Name: 'stage', Value: 'preDue' },
      ],
    });
  });
});

describe('PinpointSmsSender on the SMS sink', () => {
  it('sends a transactional text from the origination identity and records it', async () => {
    const { messageId } = await new PinpointSmsSender().send({ to: '+393471234567', body: 'Fattura 2026/0042 scaduta: 1.200,00 EUR.', tags: { invoice: 'INV-42' } });
    expect(sms.messages().find((m) => m.messageId === messageId)).toMatchObject({
      to: '+393471234567',
      from: '+390200000000',
      body: 'Fattura 2026/0042 scaduta: 1.200,00 EUR.',
      messageType: 'TRANSACTIONAL',
      context: { invoice: 'INV-42' },
      at: clock.now().toISOString(),
    });
  });

  it('rejects a number that is not E.164 as a permanent error', async () => {
    await expect(new PinpointSmsSender().send({ to: '3471234567', body: 'x' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('turns throttling into Sollecito.Transient', async () => {
    const smsMock = mockClient(PinpointSMSVoiceV2Client);
    try {
      smsMock.on(SendTextMessageCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));
      await expect(new PinpointSmsSender().send({ to: '+393471234567', body: 'x' })).rejects.toMatchObject({ name: 'Sollecito.Transient' });
    } finally {
      smsMock.restore();
    }
  });
});

describe('S3Blobs on s3rver', () => {
  it('stores and reads back bytes and text', async () => {
    const blobs = new S3Blobs();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await blobs.put('invoices/2026/a.bin', bytes, 'application/octet-stream');
    await blobs.put('reports/a.txt', 'ciao è€', 'text/plain; charset=utf-8');
    expect(await blobs.get('invoices/2026/a.bin')).toEqual(bytes);
    expect(new TextDecoder().decode(await blobs.get('reports/a.txt'))).toBe('ciao è€');
  });

  it('reports a missing key as BlobNotFound', async () => {
    await expect(new S3Blobs().get('nowhere/nothing.pdf')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('presigns a GET link that serves the object', async () => {
    const blobs = new S3Blobs();
    await blobs.put('documents/inv-42.xml', '<FatturaElettronica/>', 'application/xml');
    const url = await blobs.presignGet('documents/inv-42.xml', 600);
    expect(url).toContain('X-Amz-Signature=');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<FatturaElettronica/>');
  });
});

describe('SfnWorkflow on the Step Functions emulator', () => {
  it('starts an execution named by the caller, and treats a second start of the name as already started', async () => {
    const wf = new SfnWorkflow();
    const first = await wf.start('INV-1-r1-0-abc', { tenantId: 't', invoiceId: 'INV-1', revision: 1, run: 0 });
    expect(first).toEqual({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:INV-1-r1-0-abc`, alreadyStarted: false });
    const again = await wf.start('INV-1-r1-0-abc', { tenantId: 't', invoiceId: 'INV-1', revision: 1, run: 0, differentInput: true });
    expect(again).toEqual({ executionArn: first.executionArn, alreadyStarted: true });
  });

  it('stops a running execution with its cause, and ignores one that does not exist', async () => {
    const wf = new SfnWorkflow();
    await wf.start('INV-2-r1-0-def', { tenantId: 't', invoiceId: 'INV-2', revision: 1, run: 0 });
    await wf.stop('INV-2-r1-0-def', 'paid');
    expect(sfn.list().find((e) => e.name === 'INV-2-r1-0-def')).toMatchObject({ status: 'ABORTED', cause: 'paid' });
    await expect(wf.stop('never-started', 'paid')).resolves.toBeUndefined();
  });
});

describe('EventBridgeEvents', () => {
  it('publishes on the bus with source sollecito', async () => {
    await new EventBridgeEvents().publish('CreditHoldPlaced', { tenantId: 't', customerId: 'C-1', invoiceId: 'INV-1', amountDue: 120000, currency: 'EUR' });
    expect(events.events.at(-1)).toMatchObject({
      source: 'sollecito',
      detailType: 'CreditHoldPlaced',
      detail: { tenantId: 't', customerId: 'C-1', invoiceId: 'INV-1', amountDue: 120000 },
    });
  });

  it('fails transiently when EventBridge answers 200 with a failed entry', async () => {
    const ebMock = mockClient(EventBridgeClient);
    try {
      ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
      await expect(new EventBridgeEvents().publish('InvoiceEscalated', { invoiceId: 'INV-1' })).rejects.toMatchObject({ name: 'Sollecito.Transient' });
    } finally {
      ebMock.restore();
    }
  });
});

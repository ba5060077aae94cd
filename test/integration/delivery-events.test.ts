/**
 * Delivery feedback through the real handler (lambdas/handlers/delivery-events.ts, its factory) against
 * DynamoDB Local: SES events as the configuration set's EventBridge destination delivers them,
 * End User Messaging SMS status and inbound SMS as SNS delivers them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { useLocalTable } from '../support/dynamo.js';
import { lambdaContext } from '../support/api-events.js';
import { clock, useClock } from '../../lambdas/adapters/clock.js';
import { DynamoSmsMessages } from '../../lambdas/adapters/dynamo-sms-messages.js';
import { makeDeliveryEventsHandler } from '../../lambdas/handlers/delivery-events.js';
import { testObservability } from '../support/observability.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoTasks } from '../../lambdas/adapters/dynamo-tasks.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';

await useLocalTable();
const T = 'acme';
const NOW = new Date('2026-03-10T09:00:00Z');
useClock({ now: () => NOW });
Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'true', AWS_LAMBDA_FUNCTION_NAME: 'delivery-events' });
const store = dynamoRepositories();
const handler = makeDeliveryEventsHandler({
  tenantId: T,
  invoices: store.invoices,
  customers: store.customers,
  commands: new DynamoCommands(undefined, store),
  tasks: store.tasks,
  smsMessages: new DynamoSmsMessages(store),
  now: () => clock.now(),
  ...testObservability('delivery-events'),
});
const tasks = store.tasks;
const commands = new DynamoCommands({ start: async () => ({ executionArn: '', alreadyStarted: false }), stop: async () => undefined }, store);

const deliver = (event: unknown) => handler(event as never, lambdaContext('delivery-events')) as Promise<{ processed: number }>;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'firm',
  financeInboxes: ['amministrazione@officinerossi.example'],
});
const customer = (id: string) =>
  Customer.parse({ tenantId: T, customerId: id, name: `Cliente ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example`, phone: '+393471234567' });

let seq = 0;
const invoiceFor = async (customerId: string, over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${++seq}`,
    number: `2026/${seq}`,
    customerId,
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 50_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });
  await store.invoices.putInvoice(inv);
  return inv;
};

/** An SES event record as EventBridge delivers it from the configuration set's event destination. */
const sesEvent = (detailType: string, detail: Record<string, unknown>, inv: Invoice, to: string): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-03-10T08:59:00Z',
  region: 'eu-south-1',
  resources: [],
  detail: {
    ...detail,
    mail: {
      timestamp: '2026-03-10T08:58:00.000Z',
      source: 'crediti@officinerossi.example',
      messageId: `ses-${inv.invoiceId}`,
      destination: [to],
      tags: { tenant: [T], invoice: [inv.invoiceId], stage: ['firstOverdue'], 'ses:configuration-set': ['sollecito'] },
    },
  },
});

const bounce = (inv: Invoice, to: string, bounceType = 'Permanent', feedbackId = randomUUID()) =>
  sesEvent(
    'Email Bounced',
    {
      eventType: 'Bounce',
      bounce: {
        bounceType,
        bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
        bouncedRecipients: [{ emailAddress: to, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        timestamp: '2026-03-10T08:59:00.000Z',
        feedbackId,
      },
    },
    inv,
    to,
  );

const sns = (...messages: unknown[]): SNSEvent => ({
  Records: messages.map((m) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:eu-south-1:123456789012:sms-events:sub',
    Sns: {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: 'arn:aws:sns:eu-south-1:123456789012:sms-events',
      Subject: '',
      Message: JSON.stringify(m),
      Timestamp: '2026-03-10T09:00:00.000Z',
      SignatureVersion: '1',
      Signature: '',
      SigningCertUrl: '',
      UnsubscribeUrl: '',
      MessageAttributes: {},
    },
  })),
});

const smsStatus = (inv: Invoice, messageId: string, status: string) => ({
  eventType: `TEXT_${status}`,
  eventVersion: '1.0',
  eventTimestamp: Date.parse('2026-03-10T08:59:30Z'),
  isFinal: true,
  originationPhoneNumber: '+390000000000',
  destinationPhoneNumber: '+393471234567',
  isoCountryCode: 'IT',
  messageId,
  messageType: 'TRANSACTIONAL',
  messageStatus: status,
  context: { tenant: T, invoice: inv.invoiceId, stage: 'secondOverdue' },
});

const deliveries = async (inv: Invoice) => (await store.invoices.getInvoiceView(T, inv.invoiceId))!.events.filter((e) => e.type === 'delivery');
const reminderTo = async (customerId: string, kind: 'firstOverdue' | 'secondOverdue' = 'firstOverdue') => {
  const c = (await store.customers.getCustomer(T, customerId))!;
  const inv = await invoiceFor(customerId);
  return decideReminder({ invoice: inv, customer: c, tenant, policy: policyFor(c, tenant), kind, now: NOW });
};

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
  for (const id of ['C-OK', 'C-BOUNCE', 'C-SOFT', 'C-SPAM', 'C-INTERNAL', 'C-SMS', 'C-STOP', 'C-REPLY']) await store.customers.putCustomer(customer(id));
});

describe('SES events (EventBridge)', () => {
  it('a delivery is logged on the invoice, once however often it is delivered', async () => {
    const inv = await invoiceFor('C-OK');
    const event = sesEvent('Email Delivered', { eventType: 'Delivery', delivery: { timestamp: '2026-03-10T08:58:30.000Z', recipients: ['ap@c-ok.example'] } }, inv, 'ap@c-ok.example');
    await deliver(event);
    await deliver(event);
    const logged = await deliveries(inv);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ channel: 'email', outcome: 'delivered', messageId: `ses-${inv.invoiceId}`, stage: 'firstOverdue', to: 'ap@c-ok.example', at: '2026-03-10T08:58:30.000Z' });
    expect((await store.customers.getCustomer(T, 'C-OK'))!.emailStatus).toBe('ok');
  });

  it('a hard bounce marks the address bounced, stops e-mail and puts one "fix the contact" task in front of the finance team', async () => {
    const first = await invoiceFor('C-BOUNCE');
    const second = await invoiceFor('C-BOUNCE');
    await deliver(bounce(first, 'AP@c-bounce.example'));
    await deliver(bounce(second, 'ap@c-bounce.example'));

    const c = (await store.customers.getCustomer(T, 'C-BOUNCE'))!;
    expect(c.emailStatus).toBe('bounced');
    expect(c.version).toBe(1);
    expect(await deliveries(first)).toMatchObject([{ outcome: 'bounced', details: { permanent: true, reason: 'Permanent/General' } }]);
    const log = await store.customers.customerLog(T, 'C-BOUNCE');
    expect(log).toMatchObject([{ type: 'customer_updated', details: { fields: ['emailStatus'], emailStatus: 'bounced' } }]);

    const open = (await tasks.list(T, { kind: 'fixContact' })).filter((t) => t.customerId === 'C-BOUNCE');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ taskId: 'fixContact#C-BOUNCE', invoiceId: first.invoiceId, failed: { channel: 'email', address: 'ap@c-bounce.example' } });

    const next = await reminderTo('C-BOUNCE');
    expect(next.email).toBeUndefined();
    expect(next.unreachable).toContainEqual({ channel: 'email', reason: 'e-mail address bounced' });
  });

  it('a soft bounce is logged as a failure and changes nothing else', async () => {
    const inv = await invoiceFor('C-SOFT');
    await deliver(bounce(inv, 'ap@c-soft.example', 'Transient'));
    expect(await deliveries(inv)).toMatchObject([{ outcome: 'failed', details: { reason: 'Transient/MailboxFull' } }]);
    expect((await store.customers.getCustomer(T, 'C-SOFT'))!.emailStatus).toBe('ok');
    expect((await tasks.list(T)).some((t) => t.customerId === 'C-SOFT')).toBe(false);
  });

  it('a complaint stops e-mail to that address', async () => {
    const inv = await invoiceFor('C-SPAM');
    await deliver(
      sesEvent(
        'Email Complaint Received',
        { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'ap@c-spam.example' }], complaintFeedbackType: 'abuse', timestamp: '2026-03-10T08:59:00Z', feedbackId: 'f1' } },
        inv,
        'ap@c-spam.example',
      ),
    );
    expect((await store.customers.getCustomer(T, 'C-SPAM'))!.emailStatus).toBe('complained');
    expect(await deliveries(inv)).toMatchObject([{ outcome: 'complained', details: { reason: 'abuse' } }]);
    expect((await reminderTo('C-SPAM')).email).toBeUndefined();
  });

  it('a bounce of a message to someone else (the finance team notification) leaves the customer alone', async () => {
    const inv = await invoiceFor('C-INTERNAL');
    await deliver(bounce(inv, 'amministrazione@officinerossi.example'));
    expect((await store.customers.getCustomer(T, 'C-INTERNAL'))!.emailStatus).toBe('ok');
    expect(await deliveries(inv)).toMatchObject([{ outcome: 'bounced' }]);
    expect((await tasks.list(T)).some((t) => t.customerId === 'C-INTERNAL')).toBe(false);
  });

  it('mail that is not about one of our invoices is ignored', async () => {
    const inv = await invoiceFor('C-OK');
    const other = bounce(inv, 'ap@c-ok.example');
    (other.detail as { mail: { tags: Record<string, string[]> } }).mail.tags = { tenant: ['someone-else'], invoice: [inv.invoiceId] };
    expect(await deliver(other)).toEqual({ processed: 1 });
    expect(await deliveries(inv)).toEqual([]);
    expect(await deliver({ ...other, source: 'aws.ec2' })).toEqual({ processed: 0 });
  });
});

describe('SMS (SNS)', () => {
  it('delivery status is logged on the invoice; queued and pending states are not', async () => {
    const inv = await invoiceFor('C-SMS');
    expect(await deliver(sns(smsStatus(inv, 'sms-1', 'QUEUED'), smsStatus(inv, 'sms-1', 'DELIVERED')))).toEqual({ processed: 1 });
    expect(await deliveries(inv)).toMatchObject([{ channel: 'sms', outcome: 'delivered', messageId: 'sms-1', stage: 'secondOverdue', to: '+393471234567' }]);
  });

  it('STOP in reply to our SMS opts the customer out: no SMS any more', async () => {
    const inv = await invoiceFor('C-STOP');
    await deliver(sns(smsStatus(inv, 'sms-stop', 'SUCCESSFUL')));
    await deliver(sns({ originationNumber: '+393471234567', destinationNumber: '+390000000000', messageKeyword: 'KEYWORD', messageBody: 'Stop', inboundMessageId: 'in-1', previousPublishedMessageId: 'sms-stop' }));
    const c = (await store.customers.getCustomer(T, 'C-STOP'))!;
    expect(c.smsOptOut).toBe(true);
    expect((await store.customers.customerLog(T, 'C-STOP')).map((e) => e.type)).toEqual(['opt_out']);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.events.find((e) => e.type === 'opt_out')).toMatchObject({ actor: 'customer', channel: 'sms' });
    const next = await reminderTo('C-STOP', 'secondOverdue');
    expect(next.sms).toBeUndefined();
    expect(next.unreachable).toContainEqual({ channel: 'sms', reason: 'opted out of SMS' });
  });

  it('any other reply is kept in the log for the finance team', async () => {
    const inv = await invoiceFor('C-REPLY');
    await deliver(sns(smsStatus(inv, 'sms-reply', 'DELIVERED')));
    await deliver(sns({ originationNumber: '+393471234567', destinationNumber: '+390000000000', messageBody: 'Pagato ieri, CRO 123', inboundMessageId: 'in-2', previousPublishedMessageId: 'sms-reply' }));
    expect((await store.customers.getCustomer(T, 'C-REPLY'))!.smsOptOut).toBe(false);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.events.find((e) => e.type === 'note')).toMatchObject({ actor: 'customer', details: { text: 'Pagato ieri, CRO 123', inbound: true } });
  });

  it('a STOP that matches no message of ours, or a message that is not JSON, is not an error', async () => {
    const result = await deliver(sns({ originationNumber: '+393339999999', destinationNumber: '+390000000000', messageBody: 'STOP', inboundMessageId: 'in-3' }));
    expect(result).toEqual({ processed: 1 });
    const garbage = sns({});
    garbage.Records[0]!.Sns.Message = 'not json';
    expect(await deliver(garbage)).toEqual({ processed: 0 });
  });

  it('an invalid number asks the finance team to fix the contact', async () => {
    await store.customers.putCustomer(customer('C-BADNUM'));
    const inv = await invoiceFor('C-BADNUM');
    await deliver(sns(smsStatus(inv, 'sms-bad', 'INVALID')));
    expect(await deliveries(inv)).toMatchObject([{ outcome: 'failed', details: { status: 'INVALID' } }]);
    expect(await tasks.get(T, 'fixContact#C-BADNUM')).toMatchObject({ status: 'open', failed: { channel: 'sms', address: '+393471234567' } });
  });
});

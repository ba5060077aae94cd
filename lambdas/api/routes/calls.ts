/** /v1/calls: the finance team's call queue, and what each call achieved. */
import { NotFoundError } from '../../adapters/dynamo-commands.js';
import { clock } from '../../adapters/clock.js';
import { localDate } from '../../domain/ageing.js';
import { recordCallOutcome, updateCustomer } from '../../domain/commands.js';
import { route, type RouteDef } from '../route.js';
import { CallOutcomeRequest, CallOutcomeResult, CallQueue, CallQueueQuery } from '../schemas.js';
import { callTask, invoiceResource } from '../views.js';
import { commandContext } from './invoices.js';
import { afterCustomerChange } from './customers.js';

export const callRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/calls',
    operationId: 'getCallQueue',
    summary: "A day's call queue",
    description: 'Who to call, when their office answers, the number, the amount due, talking points and sales notes. `day` defaults to today in the tenant time zone.',
    tag: 'calls',
    access: 'read',
    query: CallQueueQuery,
    response: { status: 200, schema: CallQueue, description: 'The calls of the day.' },
    handle: async (c) => {
      const day = c.query.day ?? localDate(c.now, c.tenant.timeZone);
      const items = await c.deps.queries.callQueue(c.tenant.tenantId, day);
      const ids = (i: Record<string, unknown>) => String(i.sk ?? '').split('#');
      const customerIds = [...new Set(items.map((i) => ids(i)[0]!))];
      const customers = new Map(
        await Promise.all(customerIds.map(async (id) => [id, await c.deps.store.getCustomer(c.tenant.tenantId, id)] as const)),
      );
      const invoices = await Promise.all(items.map((i) => c.deps.store.getInvoice(c.tenant.tenantId, ids(i)[1] ?? '')));
      const calls = items.map((item, n) => callTask(day, item, customers.get(ids(item)[0]!), invoices[n], c.now, c.tenant.timeZone));
      return { day, timeZone: c.tenant.timeZone, calls };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/calls/{customerId}/{invoiceId}/outcome',
    operationId: 'recordCallOutcome',
    summary: 'Log the outcome of a call',
    description: 'Reached or not, a promise obtained (recorded like any promise), a new contact person (becomes the billing contact).',
    tag: 'calls',
    access: 'write',
    body: CallOutcomeRequest,
    response: { status: 200, schema: CallOutcomeResult, description: 'The invoice after the call and the log entries written.' },
    errors: [404, 409, 422, 503],
    handle: async (c) => {
      const ctx = commandContext(c);
      const { customerId, invoiceId } = c.params as { customerId: string; invoiceId: string };
      const { day, ...input } = c.body;
      const result = await c.deps.commands.onInvoice(c.tenant.tenantId, invoiceId, (inv) => {
        if (inv.customerId !== customerId) throw new NotFoundError('invoice', `${invoiceId} of customer ${customerId}`);
        return recordCallOutcome(inv, input, { ...ctx, now: clock.now() });
      });
      let customerUpdated = false;
      if (input.newContact) {
        const contact = input.newContact;
        const d = await c.deps.commands.onCustomer(c.tenant.tenantId, customerId, (cust) => updateCustomer(cust, { billingContact: contact }, ctx));
        customerUpdated = d.events.length > 0;
        await afterCustomerChange(c, customerId, d.becameReachable);
      }
      await c.deps.commands.completeCallTask(c.tenant.tenantId, day ?? localDate(c.now, c.tenant.timeZone), customerId, invoiceId, {
        reached: input.reached,
        ...(input.promise ? { promiseDate: input.promise.date } : {}),
        by: ctx.actor,
        at: c.now.toISOString(),
      });
      return {
        invoice: invoiceResource(result.invoice, c.now, c.tenant.timeZone),
        events: result.events,
        ...(result.stoppedExecution ? { stoppedExecution: result.stoppedExecution } : {}),
        customerUpdated,
      };
    },
  }),
];

/** /v1/customers/{id}: contacts and preferences, sales notes, releasing a credit hold. */
import * as z from 'zod/mini';
import { NotFoundError } from '../../app/ports/commands.js';
import { addSalesNote, releaseCreditHold, updateCustomer } from '../../domain/commands/commands.js';
import type { Customer } from '../../domain/model.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import { CustomerDetail, CustomerPatchRequest, customerIdParam, ReasonRequest, SalesNoteRequest, responseSchemas } from '../schemas.js';
import { commandContext } from './invoices.js';
import { policyExists } from '../../app/policies/manage-policies.js';
import { policyRefFor } from '../../domain/timeline/policies.js';
import { habitOf } from '../../domain/timeline/payment-habit.js';
import { resolvePolicy } from '../../app/policies/resolve-policy.js';
import { ApiError } from '../errors.js';
import { regionCode, regionProblem } from '../../domain/timeline/local-holidays.js';
import { calendarChanged } from '../../domain/timeline/calendar-change.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

export const ReleaseHoldResult = lazySchema(() => z
  .extend(CustomerDetail, {
    /** False when the CreditHoldReleased event could not be published (the release itself is recorded). */
    eventPublished: z.boolean(),
  }))
  .register(responseSchemas, { id: 'ReleaseHoldResult', description: 'The customer after the release; the ERP hears of it through EventBridge.' });

/** The customer with its sales notes (items of their own), the latest entries of its log and its payment habit. */
const detail = async (c: RouteContext<unknown, unknown>, customer: Customer): Promise<z.input<typeof CustomerDetail>> => {
  const [notes, history, resolved] = await Promise.all([
    c.deps.customers.salesNotes(c.tenant.tenantId, customer.customerId),
    c.deps.customers.customerLog(c.tenant.tenantId, customer.customerId),
    resolvePolicy(c.deps.policies, c.tenant, customer, {}, 'latest'),
  ]);
  const paymentHabit = { ...habitOf(customer.paymentHistory, resolved.policy), policy: resolved.policy.id };
  return { customer: { ...customer, salesNotes: notes.map((n) => n.text) }, history, paymentHabit };
};

/**
 * After a customer change: invoices that waited for a reachable contact start their chase. The
 * change is committed already, so a failure here is logged and left to the next change or retry.
 */
export const afterCustomerChange = async (c: RouteContext<unknown, unknown>, customerId: string, becameReachable: boolean): Promise<void> => {
  if (!becameReachable) return;
  try {
    await c.deps.invoices.activateInvoicesNeedingContact(c.tenant.tenantId, customerId);
  } catch (err) {
    c.deps.logger.error('activating invoices that needed a contact failed', { errorName: (err as Error).name, customerId });
  }
};

/** The customer follows another policy, or another calendar: its open invoices are re-planned from their next stage (a failure is logged; the next plan reads the change anyway). */
const afterPolicyChange = async (c: RouteContext<unknown, unknown>, customerId: string): Promise<void> => {
  try {
    await c.deps.restarts.restartOpen(c.tenant.tenantId, { customerId });
  } catch (err) {
    c.deps.logger.error('re-planning the invoices of a customer whose policy changed failed', { errorName: (err as Error).name, customerId });
  }
};

export const customerRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/customers/{id}',
    params: customerIdParam,
    operationId: 'getCustomer',
    summary: 'One customer',
    description: "The customer's record, the latest entries of its own log (contact changes, sales notes, credit holds) and whether it habitually pays late.",
    tag: 'customers',
    access: 'read',
    response: { status: 200, schema: CustomerDetail, description: 'The customer and its latest log entries.' },
    errors: [404],
    handle: async (c) => {
      const customer = await c.deps.customers.getCustomer(c.tenant.tenantId, c.params.id!);
      if (!customer) throw new NotFoundError('customer', c.params.id!);
      return detail(c, customer);
    },
  }),
  route({
    method: 'PATCH',
    path: '/v1/customers/{id}',
    params: customerIdParam,
    operationId: 'updateCustomer',
    summary: 'Update contacts, language, time zone, office hours, calendar (city, region, closures, send window), payment days, policy or segment',
    description: 'Only the fields sent change; null removes an optional field. A customer that gains an address starts the chase of its invoices that were waiting for one. A customer that follows another policy (its own, its segment\'s), or whose city, region, closures or send window change, has its open invoices re-planned from their next stage; an unknown policy, or a region its country has not, is refused (422).',
    tag: 'customers',
    access: 'write',
    body: CustomerPatchRequest,
    response: { status: 200, schema: CustomerDetail, description: 'The customer after the change.' },
    errors: [404, 422, 503],
    handle: async (c) => {
      const ctx = commandContext(c);
      const policy = c.body.policy;
      if (policy && !(await policyExists(c.deps, c.tenant.tenantId, policy))) {
        throw new ApiError(422, 'unknown_policy', `No policy ${policy}: name a preset or a policy of the company (GET /v1/policies).`, [{ field: 'policy', message: 'unknown policy' }]);
      }
      const before = await c.deps.customers.getCustomer(c.tenant.tenantId, c.params.id!);
      const region = c.body.region;
      if (region && before) {
        const code = regionCode(before.country, region);
        if (code !== region) {
          const problem = regionProblem(before.country, region) ?? 'not a region';
          throw new ApiError(422, 'unknown_region', `No region ${region} of ${before.country}: ${code ? `write it as ${code}` : problem}.`, [{ field: 'region', message: code ? `write it as ${code}` : problem }]);
        }
      }
      const d = await c.deps.commands.onCustomer(c.tenant.tenantId, c.params.id!, (cust) => updateCustomer(cust, c.body, ctx));
      await afterCustomerChange(c, c.params.id!, d.becameReachable);
      if (before && (policyRefFor(before, c.tenant).ref !== policyRefFor(d.customer, c.tenant).ref || calendarChanged(before, d.customer))) await afterPolicyChange(c, c.params.id!);
      return detail(c, d.customer);
    },
  }),
  route({
    method: 'POST',
    path: '/v1/customers/{id}/notes',
    params: customerIdParam,
    operationId: 'addSalesNote',
    summary: 'Add a sales note (how to approach this customer)',
    tag: 'customers',
    access: 'write',
    description: 'The same text twice is one note. A customer keeps at most 50 notes: 409 `sales_notes_full` beyond.',
    body: SalesNoteRequest,
    response: { status: 201, schema: CustomerDetail, description: 'The customer with the note added.' },
    errors: [404, 409, 503],
    handle: async (c) => {
      const ctx = commandContext(c);
      const d = await c.deps.commands.onCustomer(c.tenant.tenantId, c.params.id!, (cust) => addSalesNote(cust, c.body, ctx));
      return detail(c, d.customer);
    },
  }),
  route({
    method: 'POST',
    path: '/v1/customers/{id}/release-hold',
    params: customerIdParam,
    operationId: 'releaseCreditHold',
    summary: 'Release the credit hold',
    description: 'Recorded on the customer and in the log, then announced as CreditHoldReleased on EventBridge for the ERP and sales tools. 409 when there is no hold.',
    tag: 'customers',
    access: 'write',
    body: ReasonRequest,
    response: { status: 200, schema: ReleaseHoldResult, description: 'The customer without the hold.' },
    errors: [404, 409, 503],
    handle: async (c) => {
      const ctx = commandContext(c);
      const d = await c.deps.commands.onCustomer(c.tenant.tenantId, c.params.id!, (cust) => releaseCreditHold(cust, c.body, ctx));
      let eventPublished = false;
      for (let attempt = 0; attempt < 3 && !eventPublished; attempt++) {
        try {
          // Ids only: the event leaves our account, personal data does not.
          await c.deps.events.publish('CreditHoldReleased', {
            tenantId: c.tenant.tenantId,
            customerId: d.customer.customerId,
            invoiceId: d.released.invoiceId,
            placedAt: d.released.placedAt,
            releasedAt: c.now.toISOString(),
            releasedBy: c.user.id,
            manual: true,
          });
          eventPublished = true;
        } catch (err) {
          if (attempt === 2) c.deps.logger.error('CreditHoldReleased not published', { errorName: (err as Error).name, customerId: d.customer.customerId });
          else await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
      }
      return { ...(await detail(c, d.customer)), eventPublished };
    },
  }),
];

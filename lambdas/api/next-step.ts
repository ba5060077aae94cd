/** What the timeline does next for one invoice, and when, as the planner sees it now. */
import type * as z from 'zod/mini';
import type { InvoiceView } from '../app/ports/invoices.js';
import type { Customer, Tenant } from '../domain/model.js';
import type { NextStep } from './schemas.js';

export const nextStep = (_view: InvoiceView, _customer: Customer, _tenant: Tenant, _now: Date): z.input<typeof NextStep> | null => null;

/**
 * The supplier and invoice most tests start from (Officine Rossi, Bologna; a 1,200.00 EUR invoice
 * due 14 February 2026), each field overridable.
 */
import { Invoice, Tenant, type InvoiceInput, type Tenant as TenantT } from '../../lambdas/domain/model.js';

export const supplier = (tenantId: string, over: Partial<TenantT> = {}): TenantT =>
  Tenant.parse({
    tenantId,
    name: 'Officine Rossi S.r.l.',
    email: 'crediti@officinerossi.example',
    iban: 'IT60X0542811101000000123456',
    country: 'IT',
    timeZone: 'Europe/Rome',
    defaultPolicy: 'standard',
    financeInboxes: ['amministrazione@officinerossi.example'],
    ...over,
  });

export const invoiceOf = (over: Partial<InvoiceInput> & Pick<InvoiceInput, 'tenantId' | 'invoiceId'>): Invoice =>
  Invoice.parse({
    number: '2026/0042',
    customerId: 'C-1',
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    currency: 'EUR',
    amount: 120_000,
    status: 'open',
    createdAt: '2026-01-15T08:00:00Z',
    updatedAt: '2026-01-15T08:00:00Z',
    ...over,
  });

import type { ContactEvent, Customer, Invoice, Policy, Tenant } from '../model.js';
import { dossierKey } from './dossier-location.js';

/**
 * What the collection agency receives for one invoice: the pieces the file is made of (the stored
 * invoice document, the contact log, the sales notes) and where it goes; the dossier hand-over
 * builds the documents from it and delivers them (mode 'send') or files them for the finance
 * team (mode 'prepare').
 */
export interface EscalationFile {
  tenantId: string;
  invoiceId: string;
  customerId: string;
  mode: 'send' | 'prepare';
  /** The agency's name from the tenant's settings, when one is configured. */
  agency?: string;
  documentKey?: string;
  contactEvents: number;
  salesNotes: number;
  preserveRelationship: boolean;
  /** Where the dossier is filed: the dossier hand-over assembles it once the invoice is escalated. */
  dossierKey: string;
}

export const escalationFile = (c: { invoice: Invoice; customer: Customer; tenant: Tenant; policy: Policy; events: readonly ContactEvent[] }): EscalationFile => ({
  tenantId: c.invoice.tenantId,
  invoiceId: c.invoice.invoiceId,
  customerId: c.customer.customerId,
  mode: c.policy.escalation,
  ...(c.tenant.agency ? { agency: c.tenant.agency.name } : {}),
  ...(c.invoice.documentKey ? { documentKey: c.invoice.documentKey } : {}),
  contactEvents: c.events.length,
  salesNotes: c.customer.salesNotes.length,
  preserveRelationship: c.customer.preserveRelationship,
  dossierKey: dossierKey(c.invoice.tenantId, c.invoice.invoiceId),
});

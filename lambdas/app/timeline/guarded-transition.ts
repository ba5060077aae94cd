import { contactEvent } from '../../domain/shared/contact-event.js';
import type { StatusTransition } from '../../domain/timeline/promise-check.js';
import type { ClaimRequest } from '../ports/send-guard.js';
import type { InvoiceCase } from './invoice-case.js';
import type { TimelinePorts } from './ports.js';

/** One status change in the execution's own run, under the send guard: done once, a retry finds it done. */
export const guardedTransition = async (
  deps: Pick<TimelinePorts, 'sendGuard' | 'clock'>,
  c: InvoiceCase,
  exec: { revision: number; run: number },
  t: StatusTransition,
): Promise<void> => {
  const inv = c.view.invoice;
  const req: ClaimRequest = {
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: t.from,
    thenStatus: t.to,
    removeFields: t.remove,
    guardKey: t.guardKey,
    events: [
      contactEvent({
        tenantId: inv.tenantId,
        invoiceId: inv.invoiceId,
        at: deps.clock.now().toISOString(),
        type: t.event,
        channel: 'system',
        actor: 'system',
        outcome: 'recorded',
        details: t.details,
      }),
    ],
  };
  const claim = await deps.sendGuard.claimSend(req);
  if (claim.outcome === 'claimed') await deps.sendGuard.completeSend(claim.lease, []);
};

/**
 * The agency following its dossier link (GET /d/{token}):
 * 1. Verify the token: signed by the link keyring, not expired, this deployment's tenant.
 * 2. The invoice must still be there.
 * 3. Pre-sign a URL of the zip for a few minutes, with the credentials the function holds now:
 *    the link lives as long as it says (7 days), whatever a role's session does.
 */
import { DossierLinkError, verifyDossierLink, type DossierLinkProblem } from '../../domain/reports/dossier-link.js';
import { dossierKey } from '../../domain/reports/dossier-location.js';
import type { CustomerAnswersDeps } from '../customer-answers/ports.js';

export type DossierDownload = { kind: 'refused'; problem: DossierLinkProblem } | { kind: 'file'; url: string };

/** Long enough to start a large download, short enough that a forwarded URL is soon useless. */
export const DOSSIER_URL_SECONDS = 300;

export const openDossierLink = async (
  deps: Pick<CustomerAnswersDeps, 'tenantId' | 'keyring' | 'invoices' | 'documents' | 'now' | 'logger' | 'count'>,
  token: string,
): Promise<DossierDownload> => {
  // 1. The token
  let claims;
  try {
    claims = verifyDossierLink(token, await deps.keyring(), deps.now());
  } catch (err) {
    if (!(err instanceof DossierLinkError)) throw err;
    deps.logger.info('dossier link refused', { problem: err.problem });
    deps.count('DossierLinksRefused');
    return { kind: 'refused', problem: err.problem };
  }
  if (claims.tenantId !== deps.tenantId) return { kind: 'refused', problem: 'tampered' };
  // 2. The invoice
  if (!(await deps.invoices.getInvoice(claims.tenantId, claims.invoiceId))) return { kind: 'refused', problem: 'malformed' };
  // 3. The file, for a few minutes
  const url = await deps.documents().presignGet(dossierKey(claims.tenantId, claims.invoiceId), DOSSIER_URL_SECONDS);
  deps.count('DossierDownloads');
  deps.logger.info('dossier link followed', { tenantId: claims.tenantId, invoiceId: claims.invoiceId });
  return { kind: 'file', url };
};

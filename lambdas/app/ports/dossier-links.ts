import type { DossierLinkClaims } from '../../domain/reports/dossier-link.js';

/** Signs the agency's link to a dossier (domain/reports/dossier-link.ts), served by GET /d/{token}. */
export interface DossierLinks {
  urlFor(claims: DossierLinkClaims): Promise<string>;
}

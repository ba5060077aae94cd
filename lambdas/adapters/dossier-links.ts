/**
 * The agency's dossier links, signed with the customer links' keyring (link-key.ts) and pointing at
 * the public base URL, where the customer-pages function serves GET /d/{token}.
 * Config: PUBLIC_BASE_URL, LINK_SECRET_ARN (LINK_SECRET locally).
 */
import { dossierLinkUrl, signDossierLink } from '../domain/reports/dossier-link.js';
import type { DossierLinks } from '../app/ports/dossier-links.js';
import { LinkKeyError, linkKeyring } from './link-key.js';

export const envDossierLinks: DossierLinks = {
  async urlFor(claims) {
    const base = process.env.PUBLIC_BASE_URL;
    if (!base) throw new LinkKeyError('PUBLIC_BASE_URL is not set: a dossier link has nowhere to point');
    return dossierLinkUrl(base, signDossierLink(claims, await linkKeyring()));
  },
};

/**
 * GET /c/{token}: the landing page of the link's action, or for "view" a 302 to a short-lived
 * pre-signed URL of the invoice document (a FatturaPA: a readable page of it, the original linked),
 * or for the open pixel a 1x1 GIF.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { followLink } from '../../app/customer-answers/follow-link.js';
import type { CustomerAnswersDeps } from '../../app/customer-answers/ports.js';
import { ProblemAnswer } from '../errors.js';
import { htmlPage } from '../headers.js';
import { renderPage } from '../pages/render.js';
import { landingPage } from '../pages/views.js';
import { tokenOf } from './token.js';
import { fatturaPage } from '../pages/fatturapa-page.js';

/** A transparent 1x1 GIF. */
const PIXEL_GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** Neither the image nor the redirect may be cached or tell the next site where it came from. */
const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

export const followLinkRoute =
  (deps: CustomerAnswersDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const out = await followLink(deps, tokenOf(event));
    switch (out.kind) {
      case 'refused':
        throw new ProblemAnswer(out.problem === 'expired' ? 410 : 404, out.problem);
      case 'pixel':
        return { statusCode: 200, isBase64Encoded: true, body: PIXEL_GIF, headers: { 'content-type': 'image/gif', ...PRIVATE } };
      case 'document':
        return { statusCode: 302, headers: { location: out.url, ...PRIVATE } };
      case 'rendered':
        // A FatturaPA as a page, the original one link away (lambdas/site/pages/fatturapa-page.ts).
        return htmlPage(200, fatturaPage(out.view, { lang: out.link.customer.language, supplierName: out.link.tenant.name, originalUrl: out.originalUrl }));
      case 'no-document':
        throw new ProblemAnswer(404, 'document', out.link.customer.language);
      case 'answer-page':
        return htmlPage(200, renderPage(landingPage(out.link, out.action, deps.now())));
    }
  };

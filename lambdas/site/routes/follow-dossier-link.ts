/** GET /d/{token}: the agency's dossier link, a 302 to a short-lived pre-signed URL of the zip. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { openDossierLink } from '../../app/dossier/open-dossier-link.js';
import type { CustomerAnswersDeps } from '../../app/customer-answers/ports.js';
import { ProblemAnswer } from '../errors.js';
import { tokenOf } from './token.js';

export const followDossierLinkRoute =
  (deps: CustomerAnswersDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const out = await openDossierLink(deps, tokenOf(event));
    if (out.kind === 'refused') throw new ProblemAnswer(out.problem === 'expired' ? 410 : 404, out.problem === 'expired' ? 'expired' : 'invalid');
    return { statusCode: 302, headers: { location: out.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
  };

/**
 * POST /c/{token}: the answer, with the statuses a browser (and a person) can act on: 200 thanks,
 * 400 not a form, 403 not this link's form, 405 a link that takes no answer, 409 answered already
 * or refused by the invoice's state, 422 fields to correct, 503 invoice busy (retry in seconds).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerLink, type AnswerOutcome } from '../../app/customer-answers/answer-link.js';
import type { CustomerAnswersDeps } from '../../app/customer-answers/ports.js';
import { FORM_FIELDS, type FieldError } from '../../domain/messages/customer-forms.js';
import { REJECTION_STATUS } from '../../http/rejection-status.js';
import { ProblemAnswer } from '../errors.js';
import { formOf } from '../form-body.js';
import { htmlPage } from '../headers.js';
import { renderPage } from '../pages/render.js';
import { donePage, landingPage } from '../pages/views.js';
import { tokenOf } from './token.js';

type Result = APIGatewayProxyStructuredResultV2;

const answered = (out: AnswerOutcome, now: () => Date): Result => {
  switch (out.kind) {
    case 'refused':
      throw new ProblemAnswer(out.problem === 'expired' ? 410 : 404, out.problem);
    case 'not-answerable':
      throw new ProblemAnswer(405, 'form', out.link.customer.language, { allow: 'GET' });
    case 'not-a-form':
      throw new ProblemAnswer(400, 'form', out.link.customer.language);
    case 'csrf-mismatch':
      throw new ProblemAnswer(403, 'form', out.link.customer.language);
    case 'answered-before':
      throw new ProblemAnswer(409, 'answered', out.link.customer.language);
    case 'incomplete':
      return htmlPage(422, renderPage(landingPage(out.link, out.action, now(), { values: out.values, errors: out.errors })));
    case 'rejected': {
      // A refusal about one field of this form is shown next to it; any other, above the form.
      const err = out.rejection;
      const errors: FieldError[] | undefined = err.field && FORM_FIELDS[out.action].includes(err.field) ? [{ field: err.field, code: err.code }] : undefined;
      return htmlPage(REJECTION_STATUS[err.kind], renderPage(landingPage(out.link, out.action, now(), { values: out.values, ...(errors ? { errors } : { refusal: err.code }) })));
    }
    case 'busy':
      return htmlPage(503, renderPage(landingPage(out.link, out.action, now(), { values: out.values, refusal: 'busy' })), { 'retry-after': '5' });
    case 'recorded':
      return htmlPage(200, renderPage(donePage(out.link, out.action, out.answer)));
  }
};

export const answerLinkRoute =
  (deps: CustomerAnswersDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<Result> =>
    answered(await answerLink(deps, tokenOf(event), formOf(event.body)), deps.now);

/**
 * Every answer the site gives with one of its problem pages, and the middleware that renders them:
 * in the customer's language when known (else the browser's, else the tenant's), naming nothing but
 * the supplier. A client's mistake is never a 500: an unknown path is 404, another method 405;
 * only a failure of ours is a 500 page, logged by error name and message (never the request).
 * If even that page cannot be rendered, http-error-handler answers a plain 500.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Language, Tenant } from '../domain/model.js';
import type { CustomerAnswersDeps } from '../app/customer-answers/ports.js';
import { htmlPage } from './headers.js';
import { negotiateLanguage } from './language.js';
import { renderPage } from './pages/render.js';
import type { Problem } from './pages/types.js';
import { contactOf } from './pages/views.js';

export class ProblemAnswer extends Error {
  override readonly name = 'ProblemAnswer';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** The customer's language, once the link is known to be theirs. */
    readonly lang?: Language,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${problem}`);
  }
}

/** middy's own HTTP errors (the router's 404) as problem pages; undefined for a failure of ours. */
const asProblem = (err: unknown): ProblemAnswer | undefined => {
  if (err instanceof ProblemAnswer) return err;
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new ProblemAnswer(status, status === 404 ? 'invalid' : 'form');
  return undefined;
};

export const problemPages = (
  deps: Pick<CustomerAnswersDeps, 'deploymentTenant' | 'logger'>,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: async (request) => {
    let problem = asProblem(request.error);
    if (!problem) {
      const err = request.error as Error | undefined;
      deps.logger.error('customer page failed', { error: err?.name, errorMessage: err?.message });
      problem = new ProblemAnswer(500, 'error');
    }
    const tenant: Tenant | undefined = await deps.deploymentTenant().catch(() => undefined);
    const lang = problem.lang ?? negotiateLanguage(request.event.headers?.['accept-language'], tenant?.language ?? 'en');
    try {
      const page = renderPage({ kind: 'problem', lang, problem: problem.problem, ...(tenant ? { supplier: contactOf(tenant) } : {}) });
      request.response = htmlPage(problem.status, page, problem.headers);
    } catch (err) {
      deps.logger.error('problem page failed', { error: (err as Error).name });
    }
  },
});

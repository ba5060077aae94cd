/**
 * The customer site as one middy handler, on the same stack as the admin API: header normaliser,
 * error answers (problem pages) and the router at the top; the POST route adds the urlencoded
 * form parser. Each route runs one use case of app/customer-answers and renders its outcome.
 *   GET  /c/{token}  the link's page (changes nothing but the contact log)
 *   POST /c/{token}  the answer (CSRF-checked, consumed once)
 *   GET  /s/{code}   an SMS short link: 303 to its /c/{token} (changes nothing)
 *   GET  /d/{token}  the collection agency's dossier link: 302 to a short-lived URL of the zip
 *   any other method on /c/{token} or /s/{code}: 405; any other path: 404.
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CustomerAnswersDeps } from '../app/customer-answers/ports.js';
import { cachedTenant } from '../http/tenant-cache.js';
import type { CustomerSiteDeps } from './deps.js';
import { problemPages } from './errors.js';
import { formBody } from './form-body.js';
import { answerLinkRoute } from './routes/answer-link.js';
import { followDossierLinkRoute } from './routes/follow-dossier-link.js';
import { followLinkRoute } from './routes/follow-link.js';
import { followShortLinkRoute, shortLinkOtherMethodsRoute } from './routes/follow-short-link.js';
import { otherMethodsRoute } from './routes/other-methods.js';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

export const createCustomerSite = (deps: CustomerSiteDeps) => {
  const answers: CustomerAnswersDeps = { ...deps, deploymentTenant: cachedTenant(() => deps.tenants.getTenant(deps.tenantId)) };

  const routes: Route<Event, Result>[] = [
    { method: 'GET', path: '/c/{token}', handler: followLinkRoute(answers) },
    { method: 'POST', path: '/c/{token}', handler: middy<Event, Result>().use(formBody()).handler<Event, Result>(answerLinkRoute(answers)) },
    // Registered after GET and POST, which the router tries first.
    { method: 'ANY', path: '/c/{token}', handler: otherMethodsRoute },
    { method: 'GET', path: '/s/{code}', handler: followShortLinkRoute({ ...answers, shortLinks: deps.shortLinks }) },
    { method: 'ANY', path: '/s/{code}', handler: shortLinkOtherMethodsRoute },
    { method: 'GET', path: '/d/{token}', handler: followDossierLinkRoute(answers) },
  ];

  return middy<Event, Result>()
    .use(httpHeaderNormalizer())
    .use(httpErrorHandler({ logger: false, fallbackMessage: 'Internal error' }))
    .use(problemPages(answers))
    .handler(httpRouterHandler<Event, Result>({ routes }));
};

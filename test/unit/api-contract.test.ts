/**
 * The response validator every admin-API test answer goes through (test/support/api-events.ts
 * callApi): it must refuse what the document does not describe, or it would pass anything.
 */
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/api/openapi.js';
import { allRoutes } from '../../lambdas/api/routes/index.js';
import { contractChecker } from '../support/api-contract.js';

const json = { 'content-type': 'application/json' };

describe('the OpenAPI response validator', () => {
  const c = contractChecker(openApiDocument(allRoutes));
  const violations = (a: Parameters<typeof c.check>[0]) => {
    const before = c.violations.length;
    c.check(a);
    return c.violations.slice(before);
  };

  it('refuses a storage key in a payment, a status the operation does not document, and an undocumented error shape', () => {
    const payment = { paymentId: 'p1', amount: 100, currency: 'EUR', date: '2026-03-01', method: 'bank_transfer', recordedAt: '2026-03-01T10:00:00.000Z', actor: 'a@b.example', pk: 'T#x#INV#1', sk: 'PAY#p1' };
    const out = violations({ method: 'POST', path: '/v1/invoices/INV-1/payments', status: 201, headers: json, body: { payment } });
    expect(out.join('\n')).toMatch(/additional properties|must NOT have/);
    expect(violations({ method: 'GET', path: '/v1/invoices/INV-1', status: 418, headers: json, body: {} })).toEqual([expect.stringContaining('status 418 is not documented for GET /v1/invoices/{id}')]);
    expect(violations({ method: 'GET', path: '/v1/invoices/INV-1', status: 401, headers: json, body: { error: 'Unauthorized' } })).not.toEqual([]);
    expect(violations({ method: 'GET', path: '/v1/no-such-route', status: 404, headers: json, body: { oops: true } })).not.toEqual([]);
  });

  it('takes the answers the document describes, a literal path before a templated one', () => {
    expect(violations({ method: 'GET', path: '/v1/invoices/INV-1', status: 404, headers: json, body: { code: 'invoice_not_found', message: 'No invoice INV-1.' } })).toEqual([]);
    expect(violations({ method: 'GET', path: '/v1/no-such-route', status: 404, headers: json, body: { code: 'route_not_found', message: 'No route GET /v1/no-such-route.' } })).toEqual([]);
    // API Gateway's own answers, as they really come.
    expect(violations({ method: 'GET', path: '/v1/invoices/INV-1', status: 401, headers: json, body: { message: 'Unauthorized' } })).toEqual([]);
    expect(violations({ method: 'POST', path: '/v1/invoices/INV-1/payments', status: 429, headers: json, body: { message: 'Too Many Requests' } })).toEqual([]);
  });
});

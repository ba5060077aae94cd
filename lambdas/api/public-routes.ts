/**
 * The admin API's routes that answer without a token, in one list for the three places that
 * enforce it: the route declarations (access 'public', checked against this list by
 * test/integration/api-contract.test.ts), the CDK stack (infra/constructs/api.ts: no JWT
 * authorizer on these route keys) and the local stack (local/services/http-api.ts).
 * The health check, and the published contract: the OpenAPI document holds no data.
 */
export const PUBLIC_ADMIN_ROUTES = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/openapi.json' },
] as const;

export const isPublicAdminRoute = (method: string, path: string): boolean => PUBLIC_ADMIN_ROUTES.some((r) => r.method === method && r.path === path);

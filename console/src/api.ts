/**
 * The typed client of the admin API: openapi-fetch over the paths generated from the API's OpenAPI
 * document (api/schema.ts, `npm run console:api`). Every request carries the ID token; a 401 gets
 * one refresh and one retry; every POST carries an Idempotency-Key, the same on that retry, so an
 * action is never recorded twice.
 */
import createClient from 'openapi-fetch';
import type { Auth } from './auth.js';
import type { components, paths } from './api/schema.js';

export type Schemas = components['schemas'];
export type Invoice = Schemas['Invoice'];
export type InvoiceDetail = Schemas['InvoiceDetail'];
export type ContactEvent = Schemas['ContactEvent'];
export type CallTask = Schemas['CallTask'];
export type Task = Schemas['Task'];
export type Customer = Schemas['Customer'];
export type CustomerDetail = Schemas['CustomerDetail'];
export type AgeingReport = Schemas['AgeingReport'];
export type BankCredit = Schemas['BankCredit'];

/** An answer other than 2xx, with the API's message for a person. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The Idempotency-Key of one operation that moves money (the API requires it there): one per click, the same on the retry below. */
export const oncePerClick = (): { 'Idempotency-Key': string } => ({ 'Idempotency-Key': crypto.randomUUID() });

export const makeApi = (apiBase: string, auth: Auth) => {
  const authed = async (request: Request): Promise<Response> => {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
    const retry = request.clone();
    request.headers.set('authorization', `Bearer ${await auth.token()}`);
    const res = await fetch(request);
    if (res.status !== 401 || !(await auth.refresh())) return res;
    retry.headers.set('authorization', `Bearer ${await auth.token()}`);
    return fetch(retry);
  };
  return createClient<paths>({ baseUrl: apiBase || location.origin, fetch: authed });
};

export type Api = ReturnType<typeof makeApi>;

/** The data of a call, or an ApiFailure with the API's own message. */
export const must = async <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const e = (error ?? {}) as { message?: unknown; code?: unknown; errors?: unknown };
  const message = typeof e.message === 'string' ? e.message : `HTTP ${response.status}`;
  // The fields the API names ("email: Invalid email address"), so the person sees what to correct.
  const fields = Array.isArray(e.errors)
    ? e.errors.flatMap((x: { field?: unknown; message?: unknown }) => (typeof x?.field === 'string' && typeof x.message === 'string' ? [`${x.field}: ${x.message}`] : []))
    : [];
  throw new ApiFailure(response.status, fields.length ? `${message} ${fields.join('; ')}` : message, typeof e.code === 'string' ? e.code : undefined);
};

/** The ageing report as JSON (the route also answers CSV, which the generated type includes). */
export const ageingReport = async (api: Api): Promise<AgeingReport> => {
  const r = await must(api.GET('/v1/reports/ageing', { params: { query: { format: 'json' } } }));
  if (typeof r === 'string') throw new ApiFailure(500, 'the ageing report came back as text');
  return r;
};

/**
 * `npm run bench -- hostile`: the security review's figures, measured on the real handlers over
 * DynamoDB Local (issue 20, "Done when"):
 * - routes refused: every admin route without a token (401), every write route as a viewer (403);
 * - links refused: tampered, re-encoded, expired, foreign-key, other-tenant and junk tokens on the
 *   customer pages and the dossier route (404 or 410, never a page, never a 5xx);
 * - payloads inert: hostile customer names shown on a customer page come back escaped, uninterpreted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startDynamo, ensureTable, localCredentials } from '../local/services/dynamodb.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}}',
  '${7*7}',
  '=HYPERLINK("http://evil.example")',
  "'; DROP TABLE invoices; --",
  'Ünïcödé ‮ reversed',
  '</title><meta http-equiv="refresh" content="0;url=http://evil.example">',
];

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const benchHostile = async (): Promise<string[]> => {
  const dynamo = await startDynamo();
  const table = `bench-hostile-${randomUUID().slice(0, 8)}`;
  const T = 'bench-hostile';
  const LINK_SECRET = randomBytes(24).toString('hex');
  try {
    await ensureTable(dynamo.endpoint, table);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-south-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      TABLE_NAME: table,
      TENANT_ID: T,
      STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:bench',
      EVENT_BUS_NAME: 'bench',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    // Imported after the environment is set: the shared client reads it once.
    const { allRoutes } = await import('../lambdas/api/routes/index.js');
    const { adminApiHandler } = await import('../test/support/admin-api-wiring.js');
    const { callApi, viewerUser } = await import('../test/support/api-events.js');
    const { callPage, customerPagesHandler } = await import('../test/support/customer-pages.js');
    const { dynamoRepositories } = await import('../lambdas/adapters/dynamo-repositories.js');
    const { parseLinkSecret } = await import('../lambdas/adapters/link-key.js');
    const { linkExpiry, linkUrl, newNonce, signLink } = await import('../lambdas/domain/messages/links.js');
    const { signDossierLink } = await import('../lambdas/domain/reports/dossier-link.js');
    const { supplier, invoiceOf } = await import('../test/support/fixtures.js');
    const { Customer } = await import('../lambdas/domain/model.js');
    const store = dynamoRepositories();
    await store.tenants.putTenant(supplier(T));

    // Routes refused
    const admin = adminApiHandler(T);
    const concrete = (path: string) => path.replace(/\{\w+\}/g, 'x');
    const guarded = allRoutes.filter((r) => r.access !== 'public');
    let unauth = 0;
    for (const r of guarded) if ((await callApi(admin, { method: r.method, path: concrete(r.path), body: {}, user: null })).status === 401) unauth++;
    const writes = guarded.filter((r) => r.access === 'write');
    let viewer = 0;
    for (const r of writes) if ((await callApi(admin, { method: r.method, path: concrete(r.path), body: {}, user: viewerUser })).status === 403) viewer++;

    // Links refused
    const ring = parseLinkSecret(LINK_SECRET);
    const pages = customerPagesHandler({ tenantId: T, linkSecret: LINK_SECRET, stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:bench', sender: 'crediti@bench.example' });
    const now = new Date();
    const customer = (id: string, name: string) => Customer.parse({ tenantId: T, customerId: id, name, country: 'IT', language: 'en', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` });
    const due = new Date(now.getTime() - 10 * 86_400_000).toISOString().slice(0, 10);
    const seeded = async (id: string, name: string) => {
      await store.customers.putCustomer(customer(id, name));
      const inv = invoiceOf({ tenantId: T, invoiceId: `INV-${id}`, customerId: id, dueDate: due, issueDate: due });
      await store.invoices.putInvoice(inv);
      return inv;
    };
    const inv = await seeded('C-LINKS', 'Links S.r.l.');
    const claims = { tenantId: T, invoiceId: inv.invoiceId, action: 'paid' as const, expiresAt: linkExpiry(now), nonce: newNonce(), ref: 'firstOverdue' };
    const good = signLink(claims, ring);
    const [payload, sig] = good.split('.') as [string, string];
    const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    const bad: string[] = [
      `/c/${flip(payload, 5)}.${sig}`,
      `/c/${payload}.${flip(sig, 3)}`,
      `/c/${payload}.${sig.slice(0, -1)}${String.fromCharCode(sig.charCodeAt(sig.length - 1) + 1)}`,
      `/c/${signLink({ ...claims, expiresAt: Math.floor(now.getTime() / 1000) - 1 }, ring)}`,
      `/c/${signLink({ ...claims, tenantId: 'someone-else' }, ring)}`,
      `/c/${signLink(claims, parseLinkSecret(randomBytes(24).toString('hex')))}`,
      `/d/${good}`,
      `/d/${signDossierLink({ tenantId: T, invoiceId: inv.invoiceId, expiresAt: Math.floor(now.getTime() / 1000) - 1 }, ring)}`,
      `/d/${signDossierLink({ tenantId: 'someone-else', invoiceId: inv.invoiceId, expiresAt: linkExpiry(now) }, ring)}`,
      ...Array.from({ length: 20 }, () => `/c/${randomBytes(40).toString('base64url')}.${randomBytes(32).toString('base64url')}`),
      '/c/nonsense',
      `/c/${'A'.repeat(3000)}.${sig}`,
    ];
    let refused = 0;
    let errors = 0;
    for (const path of bad) {
      const res = await callPage(pages, { path });
      if (res.status === 404 || res.status === 410) refused++;
      if (res.status >= 500) errors++;
    }
    const goodStatus = (await callPage(pages, { path: new URL(linkUrl('https://pay.example', good)).pathname })).status;

    // Payloads inert
    let inert = 0;
    for (const [i, p] of PAYLOADS.entries()) {
      const pinv = await seeded(`C-P${i}`, p);
      const token = signLink({ ...claims, invoiceId: pinv.invoiceId }, ring);
      const res = await callPage(pages, { path: `/c/${token}` });
      const shownEscaped = res.body.includes(escapeHtml(p)) || res.body.includes(p.replace(/&/g, '&amp;'));
      const live = /[<>"']/.test(p) && res.body.includes(p);
      if (res.status === 200 && shownEscaped && !live && !res.body.includes('>49<')) inert++;
    }

    return [
      `routes refused without a token: ${unauth}/${guarded.length} (401)`,
      `write routes refused to a viewer: ${viewer}/${writes.length} (403)`,
      `links refused: ${refused}/${bad.length} (404/410), 5xx: ${errors}; the signed link itself: ${goodStatus}`,
      `payloads inert on a customer page: ${inert}/${PAYLOADS.length}`,
    ];
  } finally {
    await dynamo.stop();
  }
};

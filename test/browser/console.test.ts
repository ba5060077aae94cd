/**
 * The finance console in a real headless Chromium (Debian's /usr/bin/chromium, playwright-core),
 * against the whole local stack of `npm start` (local/stack.ts: DynamoDB Local, s3rver, SES local,
 * the Step Functions emulator, the admin API and the customer pages), with the sample company
 * played from 12 to 19 January 2026 on the discrete clock. The console is built first (Vite's API,
 * console/build.ts; skipped when console/dist is current), served by the stack under /console/ and
 * signed in through the local stand-in of Cognito managed login (authorization code + PKCE).
 *
 * The finance user works through Monday's worklist: logs the outcome of the day's call, agrees the
 * instalment plan a customer asked for through its link, resolves the dispute another customer
 * raised through its link (and sees the chase resume), records a partial payment (and sees it on
 * the timeline); opens the customer and ageing pages, downloads the CSV, signs out and in, and
 * survives a token the API no longer accepts (refresh). A viewer sees everything, has no action,
 * and the API refuses its writes. axe checks every page; screenshots go to test-results/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ensureConsoleBuilt } from '../../console/build.js';
import { ROOT, startStack, type LocalStack } from '../../local/stack.js';
import { seedCompany } from '../../local/seed.js';
import { consoleApiTypes, SCHEMA_FILE } from '../../scripts/console-api-types.js';

// The page's storage, as the callbacks run in the browser see it (the project compiles without the DOM lib).
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const localStorage: { setItem(key: string, value: string): void };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs Debian's chromium)`);
if (!available) console.warn(`Browser tests skipped: ${CHROMIUM} not found (apt-get install chromium). In CI they always run.`);

/** Where the screenshots of every page land (README, "Tests and figures"); git-ignored. */
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');
/** The budget for the console's first load: JavaScript, compressed. */
const FIRST_LOAD_JS_BUDGET = 250 * 1024;

const START = '2026-01-12';
/** Monday 19 January 2026, 11:00 in Rome: Alimentari Esposito's call (placed at 09:00, when its office opens) is due today. */
const MONDAY = Date.parse('2026-01-19T10:00:00Z');

describe('the console type-checks against the API as it is', () => {
  it('console/src/api/schema.ts is what npm run console:api generates from the OpenAPI document now', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8') === (await consoleApiTypes()), 'console/src/api/schema.ts is stale: run npm run console:api (then npm run typecheck)').toBe(true);
  });
});

// Generous limits for a loaded 2-core machine; on an idle one the file takes well under a minute.
describe.skipIf(!available)('finance console in Chromium', { timeout: 90_000 }, () => {
  let stack: LocalStack;
  let browser: Browser;
  let finance: BrowserContext;
  let outDir: string;
  const consoleErrors: string[] = [];

  /** A customer's answer through the signed link of a reminder it received: the page's form posted as its browser would. */
  const answerByLink = async (invoiceNumber: string, action: 'dispute' | 'plan', fields: Record<string, string>): Promise<void> => {
    const decode = (s: string) => s.replace(/&#x2F;|&#47;/gi, '/').replace(/&#x3D;|&#61;/gi, '=').replace(/&amp;/g, '&');
    const link = stack.ses
      .messages()
      .filter((m) => m.body.html?.includes(invoiceNumber))
      .flatMap((m) => [...m.body.html!.matchAll(/href=['"]([^'"]+)['"]/g)].map(([, h]) => decode(h!)))
      .find((url) => {
        if (!url.startsWith(`${stack.apiUrl}/c/`)) return false;
        const payload = new URL(url).pathname.split('/').pop()!.split('.')[0]!;
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as string[];
        return claims[3] === action;
      });
    expect(link, `a ${action} link for ${invoiceNumber} in the reminders`).toBeDefined();
    const page = await (await fetch(link!)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf, 'the form of the link page').toBeDefined();
    const res = await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: csrf!, ...fields }) });
    expect(res.status, `${action} answer for ${invoiceNumber}`).toBe(200);
  };

  const noViolations = async (page: Page, name: string) => {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(results.violations.map((v) => `${name}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  };

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const invoiceIdOf = async (customerId: string, number: string): Promise<string> => {
    const res = await fetch(`${stack.apiUrl}/v1/invoices?customerId=${customerId}`, { headers: { authorization: `Bearer ${stack.financeToken}` } });
    const { items } = (await res.json()) as { items: { invoiceId: string; number: string }[] };
    const found = items.find((i) => i.number === number);
    expect(found, `${number} of ${customerId}`).toBeDefined();
    return found!.invoiceId;
  };

  const apiGet = async <T>(path: string): Promise<T> => (await (await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${stack.financeToken}` } })).json()) as T;

  /** Script errors and CSP violations; a 401 the console answers with a refresh is expected once (the refresh test). */
  const watch = (page: Page) => {
    // The browser logs every 401 and 403 answer; those are counted below by their responses.
    page.on('console', (m) => m.type() === 'error' && !/status of 40[13]\b/.test(m.text()) && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('response', (r) => [401, 403].includes(r.status()) && refused.push(`${r.status()} ${new URL(r.url()).pathname}`));
  };
  const refused: string[] = [];
  /** The browser logs an API refusal as an error: this one the step asked for, so it is taken off the list the last test checks. */
  const refusalAskedFor = async (status: number) => {
    const logged = () => consoleErrors.findIndex((m) => m.includes(`status of ${status}`));
    await expect.poll(logged).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(logged(), 1);
  };

  beforeAll(async () => {
    const t0 = Date.now();
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    outDir = mkdtempSync(join(tmpdir(), 'sollecito-console-'));
    const [consoleDir] = await Promise.all([ensureConsoleBuilt()]);
    const built = Date.now();
    stack = await startStack({ mode: 'discrete', today: START, outDir, consoleDir });
    stack.clock.wakeOneAtATime = true;
    await seedCompany({ bucket: stack.bucket, settle: stack.settle });
    // The sample company's week, as `npm run demo` plays it, up to Monday morning.
    for (;;) {
      await stack.settle();
      const wake = stack.clock.nextWakeUp();
      if (wake === undefined || wake > MONDAY) break;
      stack.clock.advanceTo(wake);
    }
    stack.clock.advanceTo(MONDAY, false);
    await stack.settle();
    // What customers answered through their links over the weekend.
    await answerByLink('2025/0420', 'dispute', { reason: 'goods', text: 'Two pallets arrived damaged (DDT 1187).' });
    await answerByLink('2025/0398', 'plan', { instalments: '3', note: 'Three months, please.' });
    await stack.settle();
    // From here the stack reacts as under `npm start`; the clock stays on Monday morning.
    stack.poller.startLoop(100);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    finance = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // Every page opens in English, whatever language an earlier page chose (the choice is kept in localStorage).
    await finance.addInitScript(() => localStorage.setItem('sollecito.lang', 'en'));
    console.log(`console test setup: build ${built - t0} ms, stack + sample week ${Date.now() - built} ms`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('signs in with the local stand-in of managed login (code + PKCE), within the first-load budget, under a strict CSP', async () => {
    const page = await finance.newPage();
    watch(page);
    // The scripts of the first load, once each (the page loads twice: before and after the sign-in round trip, the second time from cache).
    const transferredByUrl = new Map<string, number>();
    page.on('requestfinished', async (req) => {
      if (req.resourceType() !== 'script') return;
      const { responseBodySize } = await req.sizes();
      transferredByUrl.set(req.url(), Math.max(transferredByUrl.get(req.url()) ?? 0, responseBodySize));
    });
    const first = await page.goto(stack.consoleUrl);
    // The sign-in round trip: /console/ -> /local-auth/oauth2/authorize -> /console/?code=… -> the token exchange.
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    expect(page.url()).toBe(stack.consoleUrl);
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(first?.headers()['x-frame-options']).toBe('DENY');
    await page.getByText('Signed in as finance@officinerossi.example').waitFor();
    const js = [...transferredByUrl].map(([url, transferred]) => ({ url, transferred }));
    const files = js.map((x) => readFileSync(join(ROOT, 'console', 'dist', new URL(x.url).pathname.replace('/console/', ''))));
    const transferred = js.reduce((s, x) => s + x.transferred, 0);
    const raw = files.reduce((s, f) => s + f.length, 0);
    const gzip = files.reduce((s, f) => s + gzipSync(f).length, 0);
    console.log(
      `console first load: ${js.map((x) => new URL(x.url).pathname.split('/').pop()).join(', ')}: ${(transferred / 1024).toFixed(1)} KB of JavaScript transferred (gzip), ${(raw / 1024).toFixed(1)} KB uncompressed; budget ${FIRST_LOAD_JS_BUDGET / 1024} KB compressed`,
    );
    expect(js.length).toBeGreaterThan(0);
    expect(transferred).toBeLessThan(FIRST_LOAD_JS_BUDGET);
    expect(gzip).toBeLessThan(FIRST_LOAD_JS_BUDGET);
    // The chart library is not part of the first load.
    expect(js.some((x) => x.url.includes('ageing'))).toBe(false);
    await page.close();
  });

  it('works through the morning worklist: logs the call, agrees the plan asked for, resolves the dispute and sees the chase resume', async () => {
    const page = await finance.newPage();
    watch(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await noViolations(page, 'today');
    await shot(page, 'today');

    // 1. The day's call: Alimentari Esposito, with talking points and the sales note.
    const call = page.getByRole('article', { name: /Call Alimentari Esposito/ });
    await call.getByText('Nuovo cliente, primo ordine a novembre.', { exact: true }).waitFor();
    await call.locator('summary', { hasText: 'Log the outcome' }).click();
    await call.getByLabel('Reached', { exact: true }).check();
    await call.getByLabel('Note (optional)').fill('Anna says the transfer leaves on Friday.');
    await call.getByRole('button', { name: 'Log call' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Call outcome logged.');
    await expect.poll(() => page.getByRole('article', { name: /Call Alimentari Esposito/ }).count()).toBe(0);
    const esposito = await invoiceIdOf('C-ESPOSITO', '2025/0350');
    const espositoLog = await apiGet<{ log: { type: string; details?: { reached?: boolean } }[] }>(`/v1/invoices/${esposito}`);
    expect(espositoLog.log.some((e) => e.type === 'call_outcome')).toBe(true);

    // 2. Ferramenta Verdi asked for three instalments through its link: agreed here.
    const verdi = await invoiceIdOf('C-VERDI', '2025/0398');
    const plan = page.locator('article', { has: page.getByRole('link', { name: '2025/0398' }) }).filter({ hasText: 'Customer asked for a plan' });
    await plan.getByText('Instalments asked for: 3').waitFor();
    await plan.locator('summary', { hasText: 'Agree the plan' }).click();
    await plan.getByRole('button', { name: 'Agree the plan' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toBe('Plan agreed and request answered.');
    await expect.poll(() => page.locator('article').filter({ hasText: 'Customer asked for a plan' }).count()).toBe(0);
    const verdiAfter = await apiGet<{ invoice: { plan?: { instalments: unknown[] }; status: string } }>(`/v1/invoices/${verdi}`);
    expect(verdiAfter.invoice.plan?.instalments).toHaveLength(3);

    // 3. Transilvania Logistic disputed the goods through its link: resolved on the invoice page.
    const dispute = page.locator('article').filter({ hasText: 'Dispute opened' }).filter({ hasText: '2025/0420' });
    await dispute.getByText(/Two pallets arrived damaged/).waitFor();
    await dispute.getByRole('link', { name: 'Resolve the dispute' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoice 2025/0420' }).waitFor();
    await page.getByText('Disputed', { exact: true }).waitFor();
    await noViolations(page, 'invoice (disputed)');
    await shot(page, 'invoice-disputed');
    const resolve = page.getByRole('form', { name: 'Resolve the dispute' });
    await resolve.getByLabel('Rejected: the chase resumes').check();
    await resolve.getByLabel('Note (optional)').fill('Delivery note signed without reservations.');
    await resolve.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Done: Resolve the dispute.');
    // The effect at once: open again, the resolution on the timeline.
    await expect.poll(() => page.locator('.status').first().textContent()).toBe('Open');
    await expect.poll(() => page.locator('ol.timeline .event-type', { hasText: 'Dispute resolved' }).count()).toBe(1);
    const transilvania = await invoiceIdOf('C-TRANSILVANIA', '2025/0420');
    expect((await apiGet<{ invoice: { status: string } }>(`/v1/invoices/${transilvania}`)).invoice.status).toBe('open');

    // Back to Today: the three items are gone.
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await expect.poll(() => page.locator('article').filter({ hasText: 'Dispute opened' }).filter({ hasText: '2025/0420' }).count()).toBe(0);
    await page.close();
  });

  it('records a partial payment on the invoice page and shows it on the timeline at once; the customer page has every contact', async () => {
    const page = await finance.newPage();
    watch(page);
    const id = await invoiceIdOf('C-BIANCHI', '2026/0007');
    await page.goto(`${stack.consoleUrl}#/invoices/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { level: 1, name: 'Invoice 2026/0007' }).waitFor();
    await expect.poll(() => page.locator('.amount-due').textContent()).toBe('€5,320.50');
    await page.locator('summary', { hasText: 'Record a payment' }).click();
    const form = page.getByRole('form', { name: 'Record a payment' });
    await form.getByLabel('Amount (EUR)').fill('1320.50');
    await form.getByLabel('Reference (optional)').fill('CRO 0042');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Done: Record a payment.');
    await expect.poll(() => page.locator('.amount-due').textContent()).toBe('€4,000.00');
    await page.getByRole('cell', { name: 'CRO 0042' }).waitFor();
    await expect.poll(() => page.locator('ol.timeline .event-type', { hasText: /^Payment$/ }).count()).toBe(1);
    await noViolations(page, 'invoice');
    await shot(page, 'invoice');

    await page.getByRole('link', { name: 'Bianchi Costruzioni S.p.A.' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bianchi Costruzioni S.p.A.' }).waitFor();
    await page.getByRole('link', { name: '2026/0007' }).waitFor();
    await page.getByText('Cliente storico dal 2009', { exact: false }).waitFor();
    await page.locator('ol.timeline .event-invoice', { hasText: '2026/0007' }).first().waitFor();
    await noViolations(page, 'customer');
    await shot(page, 'customer');

    // The finance user corrects the customer's e-mail (as after a bounce), and moves the key account to the firm policy, a key account no more.
    const before = await apiGet<{ customer: { email?: string; phone?: string; billingContact?: unknown; policy?: string } }>('/v1/customers/C-BIANCHI');
    await page.locator('summary', { hasText: 'Edit the contacts' }).click();
    const contacts = page.getByRole('form', { name: 'Edit the contacts' });
    await contacts.getByLabel('E-mail', { exact: true }).fill('  tesoreria@bianchi-costruzioni.example ');
    await noViolations(page, 'customer-edit');
    await shot(page, 'customer-edit');
    await contacts.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Saved: Edit the contacts.');
    await page.getByText('tesoreria@bianchi-costruzioni.example', { exact: true }).waitFor();
    const after = await apiGet<typeof before>('/v1/customers/C-BIANCHI');
    // Only the e-mail changed: the phone and the billing contact the form showed went back as they were, so were not sent.
    expect(after.customer).toMatchObject({ email: 'tesoreria@bianchi-costruzioni.example', ...(before.customer.phone ? { phone: before.customer.phone } : {}) });
    expect(after.customer.billingContact).toEqual(before.customer.billingContact);
    await page.locator('summary', { hasText: 'Change the policy' }).click();
    const policy = page.getByRole('form', { name: 'Change the policy' });
    await policy.getByLabel('Chase policy').selectOption({ label: 'Firm (chronic late payers)' });
    expect(await policy.getByRole('checkbox').isChecked(), 'Bianchi is a key account in the sample').toBe(true);
    await policy.getByRole('checkbox').uncheck();
    await policy.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Saved: Change the policy.');
    await page.getByText('Firm (chronic late payers)', { exact: true }).first().waitFor();
    expect((await apiGet<{ customer: { policy?: string; preserveRelationship?: boolean } }>('/v1/customers/C-BIANCHI')).customer).toMatchObject({ policy: 'firm', preserveRelationship: false });
    // The customer closes every August: the chase will not write to it then.
    const closuresBefore = (await apiGet<{ customer: { closures?: unknown[] } }>('/v1/customers/C-BIANCHI')).customer.closures ?? [];
    await page.locator('summary', { hasText: 'Edit the calendar' }).click();
    const calendar = page.getByRole('form', { name: 'Edit the calendar' });
    await calendar.getByLabel('A new closure from').fill('2026-08-10');
    await calendar.getByLabel('to (optional)').fill('2026-08-24');
    await calendar.getByLabel('Why (optional)').fill('Ferie');
    await calendar.getByLabel('Every year on these days').check();
    await noViolations(page, 'customer-calendar');
    await calendar.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#announcer').textContent()).toContain('Saved: Edit the calendar.');
    await page.getByText('10 Aug – 24 Aug every year (Ferie)', { exact: false }).first().waitFor();
    expect((await apiGet<{ customer: { closures?: unknown[] } }>('/v1/customers/C-BIANCHI')).customer.closures).toEqual([...closuresBefore, { from: '08-10', to: '08-24', label: 'Ferie' }]);
    await page.close();
  });

  it('shows the ageing charts and tables and downloads the CSV', async () => {
    const page = await finance.newPage();
    watch(page);
    await page.goto(`${stack.consoleUrl}#/ageing`);
    await page.getByRole('heading', { level: 1, name: 'Ageing' }).waitFor();
    await page.getByRole('heading', { name: 'Open amounts by ageing bucket, EUR' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await expect.poll(() => page.getByRole('img', { name: /Bar chart of the open amounts in EUR/ }).count()).toBe(1);
    await page.getByRole('heading', { name: 'Recovered within 90 days' }).waitFor();
    // The DSO trend: a line per currency over the last 12 week ends, and its table (today's row last).
    const trend = page.locator('section', { has: page.getByRole('heading', { name: 'DSO trend' }) });
    await expect.poll(() => trend.getByRole('img', { name: /DSO over the last weeks; today: .*EUR \d/ }).count()).toBe(1);
    await expect.poll(() => trend.locator('tbody tr').count()).toBe(12);
    await noViolations(page, 'ageing');
    await shot(page, 'ageing');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV per customer' }).click()]);
    expect(download.suggestedFilename()).toBe('ageing-2026-01-19-customers.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.length).toBeGreaterThan(50);
    expect(csv).toContain('Bianchi Costruzioni');
    await page.close();
  });

  it('speaks Italian and Romanian, amounts and dates in their locale', async () => {
    const page = await finance.newPage();
    watch(page);
    const id = await invoiceIdOf('C-BIANCHI', '2026/0007');
    await page.goto(`${stack.consoleUrl}#/invoices/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { level: 1, name: 'Invoice 2026/0007' }).waitFor();
    await page.getByLabel('Language').selectOption('it');
    await page.getByRole('heading', { level: 1, name: 'Fattura 2026/0007' }).waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('it');
    await expect.poll(() => page.locator('.amount-due').textContent()).toMatch(/4\.?000,00\s€/);
    await noViolations(page, 'invoice (it)');
    await shot(page, 'invoice-it');
    await page.getByLabel('Lingua').selectOption('ro');
    await page.getByRole('heading', { level: 1, name: 'Factura 2026/0007' }).waitFor();
    await expect.poll(() => page.locator('.amount-due').textContent()).toMatch(/4\.000,00\s(€|EUR)/);
    await page.getByLabel('Limba').selectOption('en');
    await page.close();
  });

  it('refreshes a token the API no longer accepts, then signs out and back in', async () => {
    const page = await finance.newPage();
    watch(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.waitForLoadState('networkidle');
    // A token the API does not know (revoked, expired early): the next request gets 401, one refresh, one retry.
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('sollecito.session')!) as { idToken: string };
      sessionStorage.setItem('sollecito.session', JSON.stringify({ ...s, idToken: `${s.idToken}x` }));
    });
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/local-auth/oauth2/token') && r.status() === 200);
    await page.getByRole('link', { name: 'Ageing' }).click();
    await refreshed;
    await page.getByRole('heading', { name: 'Open amounts by ageing bucket, EUR' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'You are signed out' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sollecito.session'))).toBeNull();
    await noViolations(page, 'signed out');
    await shot(page, 'signed-out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.close();
  });

  it('shows the policies, compares two over the open portfolio, and saves a copy of a preset as the company\'s own', async () => {
    const page = await finance.newPage();
    watch(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Chase policies' }).waitFor();
    for (const name of ['Relationship (key accounts)', 'Standard', 'Firm (chronic late payers)']) await page.getByRole('link', { name }).waitFor();
    // The what-if: the company default against the firm preset, over the sample's open invoices.
    const compare = page.getByRole('region', { name: 'Compare two policies (what-if)' });
    await compare.getByLabel('First policy').selectOption('standard');
    await compare.getByLabel('Second policy').selectOption('firm');
    await compare.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => page.locator('#announcer').textContent(), { timeout: 30_000 }).toContain('Compared.');
    const row = compare.getByRole('row', { name: /^Invoices replayed/ });
    const [standardCount, firmCount] = await row.getByRole('cell').allTextContents();
    const open = (await apiGet<{ items: unknown[] }>('/v1/invoices?status=open&limit=100')).items.length;
    expect(Number(standardCount), 'the open invoices, replayed').toBeGreaterThan(0);
    expect(Number(standardCount)).toBeLessThanOrEqual(open);
    expect(firmCount).toBe(standardCount);
    await compare.getByRole('columnheader', { name: 'Firm (chronic late payers)' }).waitFor();
    // The choice stays, for the next comparison with one change.
    expect(await compare.getByLabel('Second policy').inputValue()).toBe('firm');
    await noViolations(page, 'policies');
    await shot(page, 'policies');

    // One preset's timeline, then a copy of it saved as the company's own policy.
    await page.getByRole('link', { name: 'Standard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Standard' }).waitFor();
    await page.getByRole('row', { name: /Reminder on the due date/ }).getByText('on the due date', { exact: true }).waitFor();
    await page.locator('summary', { hasText: "Save a copy as the company’s own policy" }).click();
    const form = page.getByRole('form', { name: "Save a copy as the company’s own policy" });
    const json = JSON.parse(await form.getByRole('textbox').inputValue()) as { id: string; name: string; stages: Record<string, unknown>; escalation: { minDaysLate: number; mode: string } };
    expect(json.id).toBe('standard-own');
    // When the hand-off may come, as the policy says it.
    const handOff = page.locator('dl.facts dt', { hasText: 'Hand-off to the collection agency' }).locator('xpath=following-sibling::dd[1]');
    expect(await handOff.textContent()).toContain(json.escalation.minDaysLate > 0 ? `at ${json.escalation.minDaysLate} days late at the earliest` : 'on its day in the timeline');
    expect(await handOff.textContent()).toContain(json.escalation.mode === 'prepare' ? 'prepared for the team to send' : 'the agency receives the case');
    // A policy the timeline rules refuse comes back with its problem beside the form, nothing saved.
    await form.getByRole('textbox').fill(JSON.stringify({ ...json, id: 'rossi-standard', name: 'Officine Rossi', stages: {} }));
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/stages/);
    await refusalAskedFor(422);
    await form.getByRole('textbox').fill(JSON.stringify({ ...json, id: 'rossi-standard', name: 'Officine Rossi' }));
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Officine Rossi' }).waitFor();
    await page.getByText("the company's, version 1").waitFor();
    expect((await apiGet<{ policies: { id: string; readOnly: boolean }[] }>('/v1/policies')).policies).toContainEqual(expect.objectContaining({ id: 'rossi-standard', readOnly: false }));
    await noViolations(page, 'policy');
    await shot(page, 'policy');
    await page.close();
  });

  it('rewrites a message in the company\'s own words: from the built-in ones, previewed, refused with its problem, saved, then back to the built-in', async () => {
    const page = await finance.newPage();
    watch(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('link', { name: 'Wording' }).click();
    await page.getByRole('heading', { level: 1, name: 'Message wording' }).waitFor();
    const open = page.getByRole('region', { name: 'Open a message' });
    await open.getByLabel('Message').selectOption({ label: 'First overdue reminder' });
    await open.getByLabel('Tone').selectOption('firm');
    await open.getByLabel('Language').selectOption('it');
    await open.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { level: 1, name: 'First overdue reminder, firm, Italian' }).waitFor();
    const italian = JSON.parse(readFileSync(join(ROOT, 'templates/it.json'), 'utf8')) as { messages: Record<string, Record<string, { subject: string; body: string[] }>> };
    const builtIn = italian.messages.firstOverdue!.firm!;
    const editor = page.getByRole('form', { name: 'The words of this message' });
    expect(await editor.getByLabel('Subject').inputValue()).toBe(builtIn.subject);
    expect(await editor.getByLabel('Paragraphs').inputValue()).toBe(builtIn.body.join('\n\n'));
    await noViolations(page, 'wording');
    // The built-in words leave the payment facts to the layout; the company's own must name them: refused, saying which.
    await editor.getByLabel('Subject').fill('Fattura {{invoiceNumber}} scaduta: ci contatti');
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toMatch(/IBAN is missing/);
    await refusalAskedFor(422);
    await editor.getByLabel('Paragraphs').fill(`${builtIn.body.join('\n\n')}\n\nFattura del {{issueDate}}: bonifico su {{iban}}, causale {{paymentReference}}.`);
    await editor.getByRole('button', { name: 'Preview on the sample invoice' }).click();
    await expect.poll(() => page.locator('.preview-subject').textContent()).toMatch(/^Fattura \S+ scaduta: ci contatti$/);
    await page.locator('.preview-text', { hasText: 'Fattura del ' }).waitFor();
    expect((await apiGet<{ items: unknown[] }>('/v1/wording')).items).toHaveLength(0);
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByText("This message uses the company's words", { exact: false }).waitFor();
    expect((await apiGet<{ items: { kind: string; tone: string; language: string; subject: string }[] }>('/v1/wording')).items).toEqual([
      expect.objectContaining({ kind: 'firstOverdue', tone: 'firm', language: 'it', subject: 'Fattura {{invoiceNumber}} scaduta: ci contatti' }),
    ]);
    await noViolations(page, 'wording (own words)');
    await shot(page, 'wording');
    await page.getByRole('button', { name: 'Back to the built-in words' }).click();
    await page.getByText('This message uses the built-in words', { exact: false }).waitFor();
    expect((await apiGet<{ items: unknown[] }>('/v1/wording')).items).toHaveLength(0);
    await page.close();
  });

  it('a viewer sees everything, has no action anywhere, and the API refuses its writes', async () => {
    const viewer = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const page = await viewer.newPage();
    watch(page);
    await page.goto(stack.viewerConsoleUrl);
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.getByText('Signed in as viewer@officinerossi.example').waitFor();
    await page.getByText('(read only)').waitFor();
    await expect.poll(() => page.locator('main form').count()).toBe(0);
    await noViolations(page, 'today (viewer, phone)');
    await shot(page, 'today-viewer-phone');
    const id = await invoiceIdOf('C-BIANCHI', '2026/0007');
    await page.goto(`${stack.viewerConsoleUrl}#/invoices/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { level: 1, name: 'Invoice 2026/0007' }).waitFor();
    await expect.poll(() => page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
    await expect.poll(() => page.locator('main form, main details.action').count()).toBe(0);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    // The API itself refuses: the viewer's own token, a write.
    const status = await page.evaluate(async (invoiceId) => {
      const { idToken } = JSON.parse(sessionStorage.getItem('sollecito.session')!) as { idToken: string };
      const res = await fetch(`/v1/invoices/${encodeURIComponent(invoiceId)}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'a viewer tries to write' }),
      });
      return res.status;
    }, id);
    expect(status).toBe(403);
    await noViolations(page, 'invoice (viewer, phone)');
    await shot(page, 'invoice-viewer-phone');
    // The playbook too: a viewer reads a policy and previews a wording, and saves neither.
    await page.goto(`${stack.viewerConsoleUrl}#/policies/standard`);
    await page.getByRole('heading', { level: 1, name: 'Standard' }).waitFor();
    await expect.poll(() => page.locator('main form, main details.action').count()).toBe(0);
    await page.goto(`${stack.viewerConsoleUrl}#/wording/preDue/standard/en`);
    await page.getByRole('button', { name: 'Preview on the sample invoice' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    // The built-in words as they are: the message a customer gets today, though an override would need more.
    await page.getByRole('button', { name: 'Preview on the sample invoice' }).click();
    await page.getByText('The built-in words, as a customer gets them today').waitFor();
    await expect.poll(() => page.locator('.preview-subject').textContent()).toContain('FT-2026-0042');
    await noViolations(page, 'wording (viewer, phone)');
    await viewer.close();
  });

  it('reported no script error and no CSP violation in any page, and met no 401 but the one it refreshed', () => {
    expect(consoleErrors).toEqual([]);
    // The token spoiled on purpose (refreshed, then the request retried) and the viewer's write.
    expect(refused).toEqual(['401 /v1/reports/ageing', expect.stringMatching(/^403 \/v1\/invoices\/.+\/notes$/)]);
  });
});

/**
 * The what-if page in a real headless Chromium (Debian's /usr/bin/chromium, playwright-core): the
 * page the CLI writes (scripts/what-if.ts) for a small generated portfolio of the sample company,
 * relationship against an SMS-heavy company policy, loaded from its file as a person opens it.
 * The charts render, both playbooks have their column, nothing is logged as an error, and axe
 * finds no serious or critical violation. A screenshot goes to test-results/what-if/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { runSimulation } from '../../lambdas/app/simulations/run-simulation.js';
import { whatIfPage } from '../../lambdas/domain/simulation/what-if-page.js';
import { sampleWhatIfPortfolio, WHATIF_NOW } from '../../bench/whatif.js';
import { portfolioDeps } from '../../scripts/what-if-file.js';
import { ROOT } from '../../local/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs Debian's chromium)`);
if (!available) console.warn(`Browser tests skipped: ${CHROMIUM} not found (apt-get install chromium). In CI they always run.`);

const SCREENSHOTS = join(ROOT, 'test-results', 'what-if');
const smsHeavy = {
  id: 'sms-heavy', name: 'SMS heavy', tone: 'firm', smsPerWeek: 3,
  stages: { dueDate: { offsetDays: 0, channels: ['email', 'sms'] }, firstOverdue: { offsetDays: 7, channels: ['email', 'sms'] }, secondOverdue: { offsetDays: 12, channels: ['email', 'sms'] }, creditHold: { offsetDays: 20 } },
};

describe.skipIf(!available)('the what-if page in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    const portfolio = sampleWhatIfPortfolio({ invoices: 300, customers: 40, closed: 10 });
    const out = await runSimulation(portfolioDeps(portfolio), portfolio.tenant, { policies: [{ id: 'relationship' }, { policy: smsHeavy }] }, WHATIF_NOW);
    if (out.kind !== 'done') throw new Error(JSON.stringify(out.problems));
    dir = mkdtempSync(join(tmpdir(), 'sollecito-what-if-'));
    const file = join(dir, 'what-if.html');
    writeFileSync(file, whatIfPage(out.result, portfolio.tenant.name));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with a size and bars in it', async () => {
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box && box.width > 100 && box.height > 100, `chart ${await chart.getAttribute('id')} has a size`).toBe(true);
      expect(await chart.locator('rect[height]').count()).toBeGreaterThan(0);
    }
  });

  it('has a column for each playbook', async () => {
    const heads = await page.locator('table').first().locator('thead th').allInnerTexts();
    expect(heads).toHaveLength(3);
    expect(heads[1]).toContain('relationship');
    expect(heads[2]).toContain('sms-heavy');
    // With ten closed invoices of history the page says the default curve priced some stages.
    expect(await page.getByRole('note').innerText()).toContain('default response curve');
  });

  it('logs no error and axe finds no serious violation', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'what-if.png'), fullPage: true });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

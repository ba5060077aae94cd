/**
 * The demo end to end: the sample company, 75 virtual days, the scripted customers, through the
 * whole local stack (S3 -> ingest -> DynamoDB stream -> Step Functions emulator -> handlers ->
 * SES/SMS stand-ins, admin API over HTTP), the customers' money arriving only in the bank's
 * camt.053 statement of each business morning (S3 bank/ -> bank-statements -> matcher -> payments).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDemo, type DemoRun } from '../../local/demo.js';
import { DEMO_BANK } from '../../local/demo-script.js';
import { BANK_COUNTRY } from '../../local/demo-bank.js';
import { ROOT } from '../../local/stack.js';
import type { DemoInvoice, DemoReport } from '../../local/report.js';
import { isBusinessDay } from '../../lambdas/domain/timeline/calendar.js';
import { addDays } from '../../lambdas/domain/shared/days.js';

let report: DemoRun;
let second: Omit<DemoRun, 'problems'>;

const invoice = (customerId: string, number: string): DemoInvoice => {
  const found = report.invoices.find((i) => i.customerId === customerId && i.number === number);
  if (!found) throw new Error(`no invoice ${number} of ${customerId} in the demo`);
  return found;
};
const stages = (inv: DemoInvoice) => inv.contacts.map((c) => `${c.stage}:${c.channel}`);
const withoutMessageIds = (r: DemoReport) =>
  JSON.stringify(r.invoices.map((i) => ({ ...i, contacts: i.contacts.map(({ messageId: _m, ...c }) => c) })));

beforeAll(async () => {
  // The second run is `npm run demo -- --json` in its own process (SDK clients are per process),
  // at the same time as the first, so the suite pays for one run.
  const cli = promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'local/demo.ts'), '--json', '--out', mkdtempSync(join(tmpdir(), 'sollecito-demo-'))],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  report = await runDemo({ today: '2026-01-12', days: 75, outDir: mkdtempSync(join(tmpdir(), 'sollecito-demo-')) });
  second = JSON.parse((await cli).stdout) as Omit<DemoRun, 'problems'>;
}, 300_000);

describe('npm run demo', () => {
  it('runs without a handler reporting a problem', () => {
    expect(report.problems).toEqual([]);
  });

  it('chases the invoice that is never paid through every stage in order, with the policy channels', () => {
    const inv = invoice('C-CARPATHIA', '2025/0388'); // firm policy: SMS from the due date
    expect(inv.status).toBe('escalated');
    const order = inv.contacts.map((c) => c.stage).filter((s, i, all) => all.indexOf(s) === i);
    expect(order).toEqual(['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall', 'creditHold', 'escalation']);
    expect(stages(inv)).toContain('dueDate:sms');
    expect(stages(inv)).toContain('preDue:email');
    expect(stages(inv)).not.toContain('preDue:sms');
  });

  it('sends nothing after a payment but the thank-you', () => {
    for (const [customerId, number, paidAt] of [
      ['C-BIANCHI', '2025/0412', '2026-01-19T10:00'],
      ['C-THAMES', 'TVE-2025-118', '2026-02-12T13:00'],
      ['C-VERDI', '2025/0398', '2026-01-30T11:00'],
    ] as const) {
      const inv = invoice(customerId, number);
      expect(inv.status).toBe('paid');
      expect(inv.amountDue).toBe(0);
      const after = inv.contacts.filter((c) => c.at > paidAt);
      expect(after.map((c) => c.stage)).toEqual(['thankYou']);
    }
  });

  it('follows a broken promise with the broken-promise reminder, then resumes the timeline', () => {
    const inv = invoice('C-ESPOSITO', '2025/0405');
    const broken = inv.contacts.find((c) => c.stage === 'brokenPromise');
    expect(broken?.at.slice(0, 10)).toBe('2026-02-03');
    expect(inv.contacts.some((c) => c.at > broken!.at && c.stage !== 'brokenPromise')).toBe(true);
  });

  it('pauses the chase of a disputed invoice', () => {
    const inv = invoice('C-TRANSILVANIA', '2025/0420');
    expect(inv.status).toBe('disputed');
    expect(inv.contacts.filter((c) => c.at > '2026-01-23T09:00')).toEqual([]);
  });

  it('keeps an invoice without a reachable contact open and flagged, with no contact attempted', () => {
    const waiting = report.invoices.filter((i) => i.needsContact);
    expect(waiting.map((i) => i.number)).toEqual(['2026/0001']);
    expect(waiting[0]!.contacts).toEqual([]);
    expect(waiting[0]!.status).toBe('open');
  });

  it('skips the "did it reach you?" check of the FatturaPA the SdI delivered (its RicevutaConsegna is in the seed), not of the others', () => {
    const delivered = invoice('C-LOMBARDI', '2026/0043');
    expect(delivered.sdiDelivered).toBe('2026-01-12');
    expect(stages(delivered).filter((s) => s.startsWith('receiptCheck'))).toEqual([]);
    expect(stages(delivered)).toContain('preDue:email');
    // The same policy without an SdI receipt sends it.
    expect(stages(invoice('C-THAMES', 'TVE-2025-118'))).toContain('receiptCheck:email');
  });

  it('never contacts a customer twice about one invoice on the same day on the same channel', () => {
    for (const inv of report.invoices) {
      const days = inv.contacts.filter((c) => c.type === 'message').map((c) => `${c.at.slice(0, 10)}:${c.channel}`);
      expect(new Set(days).size, `${inv.number}: ${days.join(', ')}`).toBe(days.length);
    }
  });

  it('calls the customer with eight overdue invoices once: every invoice logs the same call task id', () => {
    const calls = report.invoices.filter((i) => i.customerId === 'C-BRIGHTON').map((i) => i.contacts.filter((c) => c.type === 'call_task'));
    expect(calls).toHaveLength(8);
    for (const c of calls) expect(c).toHaveLength(1);
    const callIds = [...new Set(calls.map((c) => c[0]!.messageId))];
    expect(callIds).toEqual([expect.stringMatching(/^call#C-BRIGHTON#2026-\d\d-\d\d$/)]);
  });

  it('gives identical results on a second run (message ids aside)', () => {
    expect(withoutMessageIds(second)).toBe(withoutMessageIds(report));
    expect(second.totals).toEqual(report.totals);
  });
  describe('the bank statements', () => {
    const movement = (shows: string) => {
      const found = report.movements.filter((m) => m.shows === shows);
      expect(found.length, shows).toBeGreaterThan(0);
      return found;
    };
    const credit = (creditId: string | undefined) => report.bank.credits.find((c) => c.creditId === creditId)!;

    it('receives one camt.053 each business morning, all read without a rejection', () => {
      let mornings = 0;
      for (let d = addDays('2026-01-12', 1); d <= addDays('2026-01-12', 75); d = addDays(d, 1)) if (isBusinessDay(d, BANK_COUNTRY)) mornings++;
      expect(report.bank.statements).toBe(mornings);
      expect(report.rejected.filter((r) => r.file.startsWith('bank/'))).toEqual([]);
    });

    it('finds every scripted movement among the stored credits and applies none to another invoice than the customer meant', () => {
      expect(report.movements).toHaveLength(DEMO_BANK.length);
      expect(report.movements.filter((m) => m.creditId === undefined)).toEqual([]);
      expect(report.movements.filter((m) => m.wrong)).toEqual([]);
    });

    it('matches a valid RF reference, invoice numbers in the free text (one, two, six invoices), a partial payment and an overpayment on its own', () => {
      for (const m of movement('rfReference')) expect([credit(m.creditId).status, credit(m.creditId).rule, credit(m.creditId).appliedBy]).toEqual(['matched', 'creditorReference', 'matcher']);
      for (const [shows, n] of [['invoiceNumberInText', 1], ['twoInvoicesInText', 2], ['severalInvoicesInText', 6]] as const) {
        for (const m of movement(shows)) {
          expect([credit(m.creditId).status, credit(m.creditId).rule, credit(m.creditId).appliedBy], shows).toEqual(['matched', 'invoiceNumbers', 'matcher']);
          expect([...m.invoices].sort()).toEqual([...m.numbers].sort());
          expect(m.invoices).toHaveLength(n);
        }
      }
      for (const number of ['BHG-2026-01', 'BHG-2026-02', 'BHG-2026-08']) expect(invoice('C-BRIGHTON', number).status).toBe('paid');

      const [partial] = movement('partial');
      expect(credit(partial!.creditId).settlement).toBe('partial');
      const disputed = invoice('C-TRANSILVANIA', '2025/0420');
      expect([disputed.status, disputed.amountDue]).toEqual(['disputed', 760_000 - 610_000]);

      const [over] = movement('overpayment');
      expect(credit(over!.creditId).settlement).toBe('overpaid');
      expect(invoice('C-THAMES', 'TVE-2026-004').status).toBe('paid');
    });

    it('leaves a transfer from an unknown account with a mistyped RF as a suggestion, holds the reminder meanwhile, and applies it once the finance team confirms', () => {
      const [m] = movement('unknownIbanGarbledReference');
      const c = credit(m!.creditId);
      expect(c.suggested).toBe(true);
      expect([c.status, c.appliedBy]).toEqual(['matched', 'finance']);
      expect(c.decidedBy).toBe('finance@officinerossi.example');
      expect(c.invoices).toEqual(['2025/0433']);
      const inv = invoice('C-CARPATHIA', '2025/0433');
      expect(inv.status).toBe('paid');
      // The second overdue reminder was due on the Monday morning, before the finance team confirmed: the bank truth held it.
      expect(stages(inv)).not.toContain('secondOverdue:email');
      expect(inv.contacts.filter((c) => c.at.slice(0, 10) > m!.bookingDate).map((c) => c.stage)).toEqual(['thankYou']);
    });

    it('stores the direct-debit collection that came back unpaid (AM04) as returned', () => {
      const [collected] = movement('directDebit');
      const c = credit(collected!.creditId);
      expect([c.rule, c.appliedBy, c.invoices]).toEqual(['creditorReference', 'matcher', ['2026/0007']]);
      const [back] = movement('directDebitReturn');
      const ret = credit(back!.creditId);
      expect([ret.status, ret.returned?.reason]).toEqual(['returned', 'AM04']);
      // Once returns are acted on, the collection is taken back by that very return (its payment reversed).
      if (c.returnedBy) expect([c.status, c.returnedBy.creditId]).toEqual(['returned', ret.creditId]);
    });

    it('counts each kind of outcome', () => {
      const c = report.bank.counts;
      for (const k of ['matched', 'suggested', 'confirmed', 'returned', 'partial', 'overpaid'] as const) expect(c[k], k).toBeGreaterThan(0);
      expect(c.unmatched).toBe(0);
      expect(second.bank.counts).toEqual(c);
    });

    it('sends no reminder after the money arrived, for any invoice paid from a statement', () => {
      const settled = report.bank.afterMoney.invoices.filter((i) => i.settled);
      expect(settled.length).toBeGreaterThanOrEqual(14);
      expect(settled.filter((i) => i.remindersAfter.length > 0)).toEqual([]);
      expect(report.bank.afterMoney.reminders).toBe(0);
      expect(second.bank.afterMoney).toEqual(report.bank.afterMoney);
    });
  });
});

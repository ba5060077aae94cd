/**
 * The demo end to end: the sample company, 75 virtual days, the scripted customers, through the
 * whole local stack (S3 -> ingest -> DynamoDB stream -> Step Functions emulator -> handlers ->
 * SES/SMS stand-ins, admin API over HTTP), the customers' money arriving only in the bank's
 * camt.053 statement of each business morning (S3 bank/ -> bank-statements -> matcher -> payments).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDemo, type DemoRun } from '../../local/demo.js';
import { DEMO_BANK } from '../../local/demo-script.js';
import { BANK_COUNTRY } from '../../local/demo-bank.js';
import { ROOT } from '../../local/stack.js';
import type { DemoInvoice, DemoReport } from '../../local/report.js';
import { isBusinessDay } from '../../lambdas/domain/timeline/calendar.js';
import { addDays, localDay } from '../../lambdas/domain/shared/days.js';

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
    // Checked on 3 February, it goes through the customer's gate: the hand-off notice of the
    // customer's other invoice left on 2 February, so it waits the policy's 5 days (Monday 9).
    expect(broken?.at.slice(0, 10)).toBe('2026-02-09');
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

  describe('one voice per customer', () => {
    const day = (at: string) => localDay(new Date(at), 'Europe/Rome');
    const customerOfInvoice = () => new Map(report.invoices.map((i) => [i.id, i.customerId]));
    const perDay = <T>(items: readonly T[], keyOf: (t: T) => string) => {
      const counts = new Map<string, number>();
      for (const i of items) counts.set(keyOf(i), (counts.get(keyOf(i)) ?? 0) + 1);
      return [...counts].filter(([, n]) => n > 1);
    };

    it('sends no customer more than one e-mail or more than one SMS on any day', () => {
      const toCustomers = report.outbox.filter((m) => m.tags.stage);
      expect(toCustomers.length).toBeGreaterThan(30);
      expect(perDay(toCustomers, (m) => `${m.to.join(',')} ${day(m.at)}`)).toEqual([]);
      expect(perDay(report.texts, (t) => `${t.to} ${day(t.at)}`)).toEqual([]);
    });

    it('tells the sales representatives and the agency at most once per customer and kind a day', () => {
      const owner = customerOfInvoice();
      const internal = report.outbox.filter((m) => m.tags.kind);
      expect(internal.filter((m) => m.tags.kind === 'salesRepHold').length).toBeGreaterThan(0);
      expect(internal.filter((m) => m.tags.kind === 'agencyDossier').length).toBeGreaterThan(0);
      expect(perDay(internal, (m) => `${m.to.join(',')} ${m.tags.customer ?? owner.get(m.tags.invoice ?? '')} ${m.tags.kind} ${day(m.at)}`)).toEqual([]);
    });

    it("puts C-BRIGHTON on hold with one final notice listing its 8 invoices, one sales-rep notice, and thanks it once for paying them", () => {
      const brighton = report.invoices.filter((i) => i.customerId === 'C-BRIGHTON');
      const notices = report.outbox.filter((m) => m.to.includes('payables@brightonhomegoods.example') && m.tags.stage === 'creditHold');
      expect(notices).toHaveLength(1);
      const carried = brighton.map((i) => i.contacts.find((c) => c.stage === 'creditHold' && c.channel === 'email')?.messageId);
      expect(carried.every((id) => id !== undefined)).toBe(true);
      expect(new Set(carried).size).toBe(1);
      expect(brighton.map((i) => i.contacts.filter((c) => c.type === 'credit_hold'))).toEqual(brighton.map(() => [expect.anything()]));
      expect(report.outbox.filter((m) => m.tags.kind === 'salesRepHold' && m.subject.includes('Brighton'))).toHaveLength(1);
      const thanks = report.outbox.filter((m) => m.to.includes('payables@brightonhomegoods.example') && m.subject.startsWith('Payment received'));
      expect(thanks.map((m) => m.subject)).toEqual(['Payment received: 8 invoices settled']);
    });

    it('thanks a customer whose money arrived in the 07:30 statement inside the send window, not at once', () => {
      const zones = new Map((JSON.parse(readFileSync(join(ROOT, 'local/seed/customers.json'), 'utf8')) as { customerId: string; timeZone: string }[]).map((c) => [c.customerId, c.timeZone]));
      const thanks = report.invoices.flatMap((i) => i.contacts.filter((c) => c.stage === 'thankYou').map((c) => ({ ...c, zone: zones.get(i.customerId) ?? 'Europe/Rome' })));
      expect(thanks.length).toBeGreaterThan(5);
      for (const t of thanks) expect(new Date(t.at).toLocaleTimeString('en-GB', { timeZone: t.zone, hour12: false }) >= '09:00:00', `${t.at} ${t.zone}`).toBe(true);
    });

    it('stops the written chase on a bounce, texts instead, and resumes at the stage reached once the address is fixed', () => {
      const inv = invoice('C-SOUTHDOWNS', 'SDC-2026-01');
      const c = inv.contacts.map((x) => `${x.at.slice(0, 10)} ${x.stage}:${x.channel}:${x.to ?? ''}`);
      expect(c.slice(0, 3)).toEqual([
        '2026-02-02 preDue:email:bounce@simulator.amazonses.com',
        '2026-02-09 dueDate:sms:+447700900789',
        '2026-02-16 dueDate:email:accounts@southdownscatering.example',
      ]);
      expect(c.filter((x) => x.includes('bounce@'))).toHaveLength(1);
    });
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
      // The token's subject, never its (user-changeable) e-mail: the local finance user's.
      expect(c.decidedBy).toBe('local-finance');
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

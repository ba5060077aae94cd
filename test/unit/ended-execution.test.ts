/**
 * What an ended execution means for its invoice (domain/timeline/ended-execution.ts): the product's
 * own endings mean nothing; any other FAILED, TIMED_OUT or ABORTED of an invoice's chase interrupts
 * it, with a cause that names nobody.
 */
import { describe, expect, it } from 'vitest';
import {
  CAUSE_LIMIT,
  ENDED_EXECUTION_STATE,
  interruptsInvoice,
  meaningOf,
  safeText,
  type EndedExecution,
} from '../../lambdas/domain/timeline/ended-execution.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';

const chase = { tenantId: 'acme', invoiceId: 'INV-7', revision: 2, run: 1 };
const NAME = executionName('acme', 'INV-7', 2, 1);
const AT = '2026-03-02T09:00:00.000Z';
const ended = (over: Partial<EndedExecution> = {}): EndedExecution => ({
  name: NAME,
  status: 'TIMED_OUT',
  input: JSON.stringify(chase),
  error: 'States.Timeout',
  cause: 'the execution reached its maximum duration in WaitEscalation',
  at: AT,
  ...over,
});

describe('an ended execution', () => {
  it('that succeeded means nothing', () => {
    expect(meaningOf(ended({ status: 'SUCCEEDED', error: null, cause: null }))).toEqual({ kind: 'ignored', reason: 'succeeded' });
  });

  it("stopped by Sollecito itself (a payment, a promise, a restart) means nothing", () => {
    expect(meaningOf(ended({ status: 'ABORTED', error: 'Sollecito.Stopped', cause: 'payment recorded' }))).toEqual({ kind: 'ignored', reason: 'stopped-by-sollecito' });
  });

  it('of a mailbox run (a thank-you, a digest) is no chase', () => {
    const input = JSON.stringify({ ...chase, mailbox: { kind: 'thankYou', sendAt: AT, paymentDate: '2026-03-01' } });
    expect(meaningOf(ended({ status: 'FAILED', error: 'Sollecito.MailboxFailed', input }))).toEqual({ kind: 'ignored', reason: 'mailbox-run' });
  });

  it('whose input is missing, not JSON, or not a chase run, or whose name is not the run\'s, is no chase', () => {
    for (const input of [null, undefined, 'not json', JSON.stringify({ tenantId: 'acme' })]) {
      expect(meaningOf(ended({ input })), String(input)).toEqual({ kind: 'ignored', reason: 'not-a-chase' });
    }
    expect(meaningOf(ended({ name: 'someone-elses-run' }))).toEqual({ kind: 'ignored', reason: 'not-a-chase' });
  });

  it.each([
    ['TIMED_OUT', 'States.Timeout'],
    ['FAILED', 'States.Runtime'],
    ['FAILED', 'Sollecito.TimelineFailed'],
    ['ABORTED', 'Operator'],
    ['ABORTED', null],
  ] as const)('%s with %s interrupts the chase of its invoice and run', (status, error) => {
    const m = meaningOf(ended({ status, error }));
    expect(m).toMatchObject({ kind: 'interrupted', ...chase });
    if (m.kind !== 'interrupted') return;
    expect(m.interruption).toMatchObject({ at: AT, state: ENDED_EXECUTION_STATE, status, execution: NAME });
    expect(m.interruption.error).toBe(error ?? 'States.Aborted');
    expect(m.event).toMatchObject({ ...{ tenantId: 'acme', invoiceId: 'INV-7' }, eventId: `ended-${NAME}`, at: AT, type: 'failure', channel: 'system', outcome: 'recorded' });
    expect(m.event.details).toMatchObject({ state: ENDED_EXECUTION_STATE, status, revision: 2, run: 1 });
  });

  it('writes the same log entry id every time it is told (a redelivered event)', () => {
    const a = meaningOf(ended());
    const b = meaningOf(ended());
    expect(a.kind === 'interrupted' && b.kind === 'interrupted' && a.event.eventId === b.event.eventId).toBe(true);
  });

  it('says why when the service gave no cause', () => {
    const m = meaningOf(ended({ status: 'ABORTED', error: undefined, cause: '' }));
    expect(m.kind === 'interrupted' && m.interruption.cause).toBe('The execution was stopped from outside Sollecito.');
  });
});

describe('the cause that goes on the invoice', () => {
  it('names nobody: no address, number, IBAN or quoted state data', () => {
    const cause =
      "An error occurred while executing the state 'SendDueDate'. The JSONPath '$.plan' could not be found in the input '{\"email\":\"giulia@cliente.example\",\"phone\":\"+39 348 000 0001\"}'. Mail to ap@cliente.example bounced; call +39 02 1234 5678; pay IT60X0542811101000000123456.";
    const safe = safeText(cause, CAUSE_LIMIT);
    expect(safe).not.toMatch(/@|giulia|\+39|1234|IT60X/);
    expect(safe).toContain("executing the state 'SendDueDate'");
    expect(safe).toContain('[data]');
    expect(safe).toContain('[address]');
    expect(safe).toContain('[number]');
    expect(safe).toContain('[iban]');
  });

  it('is one line, trimmed to its limit', () => {
    const safe = safeText(`  line one\n\tline two ${'x'.repeat(2_000)}`, CAUSE_LIMIT);
    expect(safe.startsWith('line one line two')).toBe(true);
    expect(safe.length).toBe(CAUSE_LIMIT);
    expect(safe.endsWith('…')).toBe(true);
  });
});

describe('whether the invoice carries the interruption', () => {
  const invoice = { status: 'open' as const, revision: 2, run: 1, failure: undefined };
  it('only for its current run, while it looks chased and carries no failure yet', () => {
    expect(interruptsInvoice(invoice, chase)).toBe(true);
    expect(interruptsInvoice({ ...invoice, status: 'promised' }, chase)).toBe(true);
    expect(interruptsInvoice({ ...invoice, run: 2 }, chase)).toBe(false);
    expect(interruptsInvoice({ ...invoice, revision: 3 }, chase)).toBe(false);
    expect(interruptsInvoice({ ...invoice, status: 'paid' }, chase)).toBe(false);
    expect(interruptsInvoice({ ...invoice, failure: { at: AT, state: 'SendDueDate', error: 'Boom', cause: '' } }, chase)).toBe(false);
  });
});

/**
 * One invoice: where it stands, what happens next (and why a stage waits), the stages done, its
 * payments and the whole contact log; and every action on it. After an action the page reloads
 * the invoice, so its effect is on the timeline at once.
 */
import { must, oncePerClick, type InvoiceDetail } from '../api.js';
import { ActionForm, Async, Day, Field, Instant, Lateness, Money, Page, Status, Timeline, text } from '../components.js';
import { day as dayText, instant, toMajor, toMinor } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../session.js';
import { splitInstalments } from './today.js';

const DISPUTE_REASONS = ['goods', 'service', 'amount', 'invoice_details', 'other'] as const;
const PAYMENT_METHODS = ['bank_transfer', 'card', 'direct_debit', 'cash', 'cheque', 'offset', 'other'] as const;
const ACTIVE = ['open', 'promised', 'disputed', 'paused', 'payment_claimed'];

const amountField = (f: FormData, name: string, currency: string): number | undefined => {
  const raw = text(f, name)?.replace(',', '.');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? toMinor(n, currency) : undefined;
};

const Actions = ({ d, reload }: { d: InvoiceDetail; reload: () => Promise<void> }) => {
  const s = useSession();
  const { t, tx } = useI18n();
  const inv = d.invoice;
  const id = inv.invoiceId;
  const path = { params: { path: { id } } };
  /** For the routes that move money: the path and a fresh Idempotency-Key. */
  const once = () => ({ params: { path: { id }, header: oncePerClick() } });
  const effect = (what: string, stopped?: string) => [t('invoice.effect', { what }), stopped ? t('invoice.stopped') : ''].filter(Boolean).join(' ');
  const step = inv.currency === 'JPY' ? '1' : '0.01';
  const majorDue = toMajor(inv.amountDue, inv.currency);
  const active = ACTIVE.includes(inv.status);
  return (
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">{t('invoice.actions')}</h2>
      {active && inv.amountDue > 0 && (
        <ActionForm
          title={t('action.payment')}
          submit={t('action.submit')}
          onDone={reload}
          run={async (f) => {
            const method = text(f, 'method') as (typeof PAYMENT_METHODS)[number] | undefined;
            const reference = text(f, 'reference');
            const r = await must(
              s.api.POST('/v1/invoices/{id}/payments', {
                ...once(),
                body: { amount: amountField(f, 'amount', inv.currency) ?? 0, date: text(f, 'date') ?? s.today, ...(method ? { method } : {}), ...(reference ? { reference } : {}) },
              }),
            );
            return effect(t('action.payment'), r.stoppedExecution);
          }}
        >
          <Field label={t('common.amountIn', { currency: inv.currency })}>{(fid) => <input id={fid} name="amount" type="number" inputMode="decimal" step={step} min={step} max={majorDue} required />}</Field>
          <Field label={t('common.date')}>{(fid) => <input id={fid} name="date" type="date" required max={s.today} defaultValue={s.today} />}</Field>
          <Field label={t('action.paymentMethod')}>
            {(fid) => (
              <select id={fid} name="method">
                {PAYMENT_METHODS.map((m) => (
                  <option key={m} value={m} selected={m === 'bank_transfer'}>
                    {tx('method', m)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={`${t('action.paymentReference')} ${t('common.optional')}`}>{(fid) => <input id={fid} name="reference" maxLength={140} />}</Field>
        </ActionForm>
      )}
      {active && inv.status !== 'disputed' && (
        <ActionForm
          title={t('action.promise')}
          submit={t('action.submit')}
          onDone={reload}
          run={async (f) => {
            const by = text(f, 'by');
            const note = text(f, 'note');
            const amount = amountField(f, 'amount', inv.currency);
            const r = await must(s.api.POST('/v1/invoices/{id}/promises', { ...path, body: { date: text(f, 'date') ?? s.today, ...(amount ? { amount } : {}), ...(by ? { by } : {}), ...(note ? { note } : {}) } }));
            return effect(t('action.promise'), r.stoppedExecution);
          }}
        >
          <Field label={t('common.date')}>{(fid) => <input id={fid} name="date" type="date" required min={s.today} />}</Field>
          <Field label={`${t('common.amountIn', { currency: inv.currency })} ${t('common.optional')}`}>{(fid) => <input id={fid} name="amount" type="number" step={step} min={step} max={majorDue} />}</Field>
          <Field label={`${t('action.promiseBy')} ${t('common.optional')}`}>{(fid) => <input id={fid} name="by" maxLength={200} />}</Field>
          <Field label={`${t('common.note')} ${t('common.optional')}`}>{(fid) => <textarea id={fid} name="note" maxLength={2000} rows={2} />}</Field>
        </ActionForm>
      )}
      {active && inv.status !== 'disputed' && (
        <ActionForm
          title={t('action.dispute')}
          submit={t('action.submit')}
          onDone={reload}
          run={async (f) => {
            const reason = (text(f, 'reason') ?? 'other') as (typeof DISPUTE_REASONS)[number];
            const detail = text(f, 'text');
            const r = await must(s.api.POST('/v1/invoices/{id}/disputes', { ...path, body: { reason, ...(detail ? { text: detail } : {}) } }));
            return effect(t('action.dispute'), r.stoppedExecution);
          }}
        >
          <Field label={t('action.disputeReason')}>
            {(fid) => (
              <select id={fid} name="reason">
                {DISPUTE_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {tx('reason', r)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={`${t('action.disputeText')} ${t('common.optional')}`}>{(fid) => <textarea id={fid} name="text" maxLength={4000} rows={2} />}</Field>
        </ActionForm>
      )}
      {inv.status === 'disputed' && (
        <ActionForm
          title={t('action.resolve')}
          submit={t('action.submit')}
          open
          onDone={reload}
          run={async (f) => {
            const note = text(f, 'note');
            const credit = amountField(f, 'creditNote', inv.currency);
            const body =
              f.get('outcome') === 'upheld'
                ? { outcome: 'upheld' as const, creditNote: { amount: credit ?? 0 }, ...(note ? { note } : {}) }
                : { outcome: 'rejected' as const, ...(note ? { note } : {}) };
            const r = await must(s.api.POST('/v1/invoices/{id}/disputes/resolve', { ...once(), body }));
            return effect(t('action.resolve'), r.stoppedExecution);
          }}
        >
          <fieldset>
            <legend>{t('action.outcome')}</legend>
            <label class="choice">
              <input type="radio" name="outcome" value="rejected" required /> {t('action.rejected')}
            </label>
            <label class="choice">
              <input type="radio" name="outcome" value="upheld" /> {t('action.upheld')}
            </label>
          </fieldset>
          <Field label={`${t('action.creditNote', { currency: inv.currency })} ${t('common.optional')}`}>{(fid) => <input id={fid} name="creditNote" type="number" step={step} min={step} max={majorDue} />}</Field>
          <Field label={`${t('common.note')} ${t('common.optional')}`}>{(fid) => <textarea id={fid} name="note" maxLength={2000} rows={2} />}</Field>
        </ActionForm>
      )}
      {(inv.status === 'open' || inv.status === 'promised') && (
        <ActionForm
          title={t('action.pause')}
          submit={t('action.submit')}
          onDone={reload}
          run={async (f) => {
            const until = text(f, 'until');
            const r = await must(s.api.POST('/v1/invoices/{id}/pause', { ...path, body: { reason: text(f, 'reason') ?? '', ...(until ? { until } : {}) } }));
            return effect(t('action.pause'), r.stoppedExecution);
          }}
        >
          <Field label={`${t('action.pauseUntil')} ${t('common.optional')}`}>{(fid) => <input id={fid} name="until" type="date" min={s.today} />}</Field>
          <Field label={t('common.reason')}>{(fid) => <input id={fid} name="reason" required maxLength={500} />}</Field>
        </ActionForm>
      )}
      {(inv.status === 'paused' || inv.status === 'payment_claimed' || inv.failure) && (
        <ActionForm
          title={t('action.resume')}
          submit={t('action.resume')}
          onDone={reload}
          run={async (f) => {
            const reason = text(f, 'reason');
            await must(s.api.POST('/v1/invoices/{id}/resume', { ...path, body: reason ? { reason } : {} }));
            return effect(t('action.resume'));
          }}
        >
          <Field label={`${t('common.reason')} ${t('common.optional')}`}>{(fid) => <input id={fid} name="reason" maxLength={500} />}</Field>
        </ActionForm>
      )}
      {active && inv.status !== 'disputed' && inv.amountDue > 0 && (
        <ActionForm
          title={t('action.plan')}
          submit={t('action.submit')}
          onDone={reload}
          run={async (f) => {
            const count = Number(f.get('count'));
            const r = await must(s.api.POST('/v1/invoices/{id}/instalment-plan', { ...path, body: { instalments: splitInstalments(inv.amountDue, count, text(f, 'first') ?? s.today) } }));
            return effect(t('action.plan'), r.stoppedExecution);
          }}
        >
          <Field label={t('action.planCount')}>
            {(fid) => (
              <select id={fid} name="count">
                {[2, 3, 4, 5, 6, 8, 10, 12].map((n) => (
                  <option key={n} value={n} selected={n === 3}>
                    {n}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('action.planFirst')}>{(fid) => <input id={fid} name="first" type="date" required min={s.today} />}</Field>
        </ActionForm>
      )}
      {active && (
        <ActionForm
          title={t('action.escalate')}
          submit={t('action.escalate')}
          onDone={reload}
          run={async (f) => {
            const reason = text(f, 'reason');
            const r = await must(s.api.POST('/v1/invoices/{id}/escalate', { ...path, body: reason ? { reason } : {} }));
            return effect(t('action.escalate'), r.stoppedExecution);
          }}
        >
          <Field label={`${t('common.reason')} ${t('common.optional')}`}>{(fid) => <input id={fid} name="reason" maxLength={500} />}</Field>
        </ActionForm>
      )}
      {active && inv.amountDue > 0 && (
        <ActionForm
          title={t('action.writeOff')}
          submit={t('action.writeOff')}
          onDone={reload}
          run={async (f) => {
            const r = await must(s.api.POST('/v1/invoices/{id}/write-off', { ...once(), body: { reason: text(f, 'reason') ?? '' } }));
            return effect(t('action.writeOff'), r.stoppedExecution);
          }}
        >
          <Field label={t('common.reason')}>{(fid) => <input id={fid} name="reason" required maxLength={500} />}</Field>
        </ActionForm>
      )}
      <ActionForm
        title={t('action.note')}
        submit={t('action.submit')}
        onDone={reload}
        run={async (f) => {
          await must(s.api.POST('/v1/invoices/{id}/notes', { ...path, body: { text: text(f, 'text') ?? '' } }));
          return effect(t('action.note'));
        }}
      >
        <Field label={t('action.noteText')}>{(fid) => <textarea id={fid} name="text" required maxLength={4000} rows={3} />}</Field>
      </ActionForm>
    </section>
  );
};

export const InvoicePage = ({ invoiceId }: { invoiceId: string }) => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const detail = useResource(() => must(s.api.GET('/v1/invoices/{id}', { params: { path: { id: invoiceId } } })), [invoiceId]);
  const title = detail.data ? t('invoice.title', { number: detail.data.invoice.number }) : t('common.invoice');
  return (
    <Page title={title}>
      <Async resource={detail}>
        {(d) => {
          const inv = d.invoice;
          return (
            <>
              <dl class="facts">
                <dt>{t('common.customer')}</dt>
                <dd>
                  <a href={href('customers', inv.customerId)}>{d.customer.name || inv.customerId}</a>
                </dd>
                <dt>{t('common.status')}</dt>
                <dd>
                  <Status status={inv.status} />
                </dd>
                <dt>{t('invoice.issued')}</dt>
                <dd>
                  <Day iso={inv.issueDate} />
                </dd>
                <dt>{t('common.dueDate')}</dt>
                <dd>
                  <Day iso={inv.dueDate} /> (<Lateness days={inv.daysPastDue} />)
                </dd>
                <dt>{t('invoice.amount')}</dt>
                <dd>
                  <Money minor={inv.amount} currency={inv.currency} />
                </dd>
                <dt>{t('invoice.paid')}</dt>
                <dd>
                  <Money minor={inv.amountPaid} currency={inv.currency} />
                </dd>
                <dt>{t('common.amountDue')}</dt>
                <dd class="amount-due">
                  <Money minor={inv.amountDue} currency={inv.currency} />
                </dd>
                <dt>{t('invoice.bucket')}</dt>
                <dd>{tx('bucket', inv.bucket)}</dd>
              </dl>
              <section aria-labelledby="next-h">
                <h2 id="next-h">{t('invoice.next')}</h2>
                <ul class="notes">
                  {d.sending && <li>{t('invoice.sending')}</li>}
                  {d.next ? <li>{t('invoice.nextAt', { step: tx('stage', d.next.step), when: instant(locale, d.next.at) })} — {d.next.reason}</li> : <li>{t('invoice.noNext')}</li>}
                  {inv.deferral && <li>{t('invoice.deferral', { stage: tx('stage', inv.deferral.stage), when: instant(locale, inv.deferral.until), reason: inv.deferral.reason })}</li>}
                  {inv.promise && <li>{t('invoice.promise', { day: dayText(locale, inv.promise.date) })}</li>}
                  {inv.dispute && <li>{t('invoice.dispute', { when: instant(locale, inv.dispute.openedAt), reason: `${tx('reason', inv.dispute.reason)}${inv.dispute.text ? ` — ${inv.dispute.text}` : ''}` })}</li>}
                  {inv.pause && <li>{inv.pause.until ? t('invoice.pausedUntil', { day: dayText(locale, inv.pause.until), reason: inv.pause.reason }) : t('invoice.pausedOpen', { reason: inv.pause.reason })}</li>}
                  {inv.failure && <li class="warning">{t('invoice.failure', { state: inv.failure.state, error: inv.failure.error })}</li>}
                </ul>
                {d.next && d.next.planned.length > 1 && (
                  <ol class="notes" aria-label={t('invoice.planned')}>
                    {d.next.planned.slice(1).map((p) => (
                      <li key={p.stage}>{t('invoice.nextAt', { step: tx('stage', p.stage), when: instant(locale, p.at) })}</li>
                    ))}
                  </ol>
                )}
                {inv.plan && (
                  <table>
                    <caption>{t('invoice.plan')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('common.date')}</th>
                        <th scope="col">{t('common.amount')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {inv.plan.instalments.map((x) => (
                        <tr key={x.date}>
                          <td>
                            <Day iso={x.date} />
                          </td>
                          <td>
                            <Money minor={x.amount} currency={inv.currency} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <section aria-labelledby="stages-h">
                <h2 id="stages-h">{t('invoice.stagesDone')}</h2>
                {d.stagesDone.length === 0 ? (
                  <p>{t('common.none')}</p>
                ) : (
                  <ol class="stages">
                    {d.stagesDone.map((x) => (
                      <li key={x.stage}>
                        {tx('stage', x.stage)} — <Instant iso={x.at} />
                      </li>
                    ))}
                  </ol>
                )}
              </section>
              <section aria-labelledby="payments-h">
                <h2 id="payments-h">{t('invoice.payments')}</h2>
                {d.payments.length === 0 ? (
                  <p>{t('invoice.paymentsNone')}</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('common.date')}</th>
                        <th scope="col">{t('common.amount')}</th>
                        <th scope="col">{t('action.paymentMethod')}</th>
                        <th scope="col">{t('action.paymentReference')}</th>
                        <th scope="col">{t('common.who')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.payments.map((p) => (
                        <tr key={p.paymentId} class={p.reversed ? 'reversed' : undefined}>
                          <td>
                            <Day iso={p.date} />
                          </td>
                          <td>
                            <Money minor={p.amount} currency={p.currency} /> {p.reversed && `(${t('invoice.reversed')})`}
                          </td>
                          <td>{tx('method', p.method)}</td>
                          <td>{p.reference ?? ''}</td>
                          <td title={p.actor}>{p.actorEmail ?? p.actor}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              {s.user.canWrite && <Actions d={d} reload={detail.reload} />}
              <section aria-labelledby="log-h">
                <h2 id="log-h">{t('invoice.timeline')}</h2>
                <Timeline events={d.log} currency={inv.currency} />
              </section>
            </>
          );
        }}
      </Async>
    </Page>
  );
};

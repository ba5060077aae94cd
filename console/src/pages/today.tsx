/**
 * "Today": the morning worklist. Calls due with their talking points, customers' answers waiting
 * (plan requests, proposed contacts, disputes, payments they say they made), bank credits to
 * confirm, promises due or broken, contacts to fix, timelines stopped by a failure. Each item is
 * dealt with here or opens the page where it is, and leaves the list when done.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ageingReport, must, oncePerClick, type CallTask, type Invoice, type Task } from '../api.js';
import { ActionForm, Async, Day, Field, Lateness, Money, Page, text } from '../components.js';
import { addMonthsIso, day as dayText, money } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession, type Session } from '../session.js';

interface Worklist {
  day: string;
  calls: CallTask[];
  tasks: Task[];
  active: Invoice[];
  brokenPromises: { invoiceId: string; number: string; customerId: string; customerName: string; promiseDate: string }[];
}

/** Every invoice still chased, page by page. */
export const activeInvoices = async (s: Session, query: { customerId?: string } = {}): Promise<Invoice[]> => {
  const out: Invoice[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const data = await must(s.api.GET('/v1/invoices', { params: { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } } }));
    out.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return out;
};

const loadWorklist = async (s: Session): Promise<Worklist> => {
  const [calls, tasks, active, report] = await Promise.all([
    must(s.api.GET('/v1/calls')),
    must(s.api.GET('/v1/tasks')),
    activeInvoices(s),
    ageingReport(s.api),
  ]);
  return { day: calls.day, calls: calls.calls, tasks: tasks.items.filter((x) => x.status === 'open'), active, brokenPromises: report.brokenPromises };
};

/** A customer's name once known (fetched once per customer for the whole session). */
const CustomerName = ({ id }: { id: string }) => {
  const s = useSession();
  const [name, setName] = useState<string>();
  useEffect(() => {
    void s.customerName(id).then(setName);
  }, [id]);
  return <a href={href('customers', id)}>{name ?? id}</a>;
};

const InvoiceLink = ({ id, number }: { id: string; number?: string }) => <a href={href('invoices', id)}>{number ?? id}</a>;

const Section = ({ title, empty, count, children }: { title: string; empty: string; count: number; children: ComponentChildren }) => (
  <section class="work" aria-label={title}>
    <h2>
      {title} <span class="count">({count})</span>
    </h2>
    {count === 0 ? <p class="empty">{empty}</p> : <div class="items">{children}</div>}
  </section>
);

const CallItem = ({ call, day, onDone }: { call: CallTask; day: string; onDone: () => Promise<void> }) => {
  const s = useSession();
  const { t, tx } = useI18n();
  const name = call.customerName ?? call.customerId;
  return (
    <article class="item call" aria-label={t('call.with', { name })}>
      <h3>
        {t('call.with', { name })} <a href={href('customers', call.customerId)} class="small">({t('common.open')})</a>
      </h3>
      <dl class="facts">
        {call.contactName && (
          <>
            <dt>{t('customer.billingContact')}</dt>
            <dd>{t('call.contact', { name: call.contactName })}</dd>
          </>
        )}
        {call.phone && (
          <>
            <dt>{t('call.phone')}</dt>
            <dd>
              <a href={`tel:${call.phone}`}>{call.phone}</a>
            </dd>
          </>
        )}
        {call.officeHours && (
          <>
            <dt>{t('call.officeHours')}</dt>
            <dd>
              {call.officeHours.days.map((d) => tx('weekday', String(d))).join(' ')} {call.officeHours.from}–{call.officeHours.to} {call.timeZone ?? ''}
            </dd>
          </>
        )}
        {call.totals && call.totals.length > 0 && (
          <>
            <dt>{t('call.totals')}</dt>
            <dd>
              {call.totals.map((x, i) => (
                <span key={x.currency}>
                  {i > 0 && ', '}
                  <Money minor={x.amountDue} currency={x.currency} />
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      <table>
        <caption>{t('call.invoices')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.invoice')}</th>
            <th scope="col">{t('common.amountDue')}</th>
            <th scope="col">{t('common.due')}</th>
          </tr>
        </thead>
        <tbody>
          {(call.invoices ?? [{ invoiceId: call.invoiceId, invoiceNumber: call.invoiceNumber, amountDue: call.amountDue, currency: call.currency, daysPastDue: call.daysPastDue }]).map((i) => (
            <tr key={i.invoiceId}>
              <td>
                <InvoiceLink id={i.invoiceId} number={i.invoiceNumber} />
              </td>
              <td>
                <Money minor={i.amountDue} currency={i.currency} />
              </td>
              <td>
                <Lateness days={i.daysPastDue} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {call.alsoOverdue && call.alsoOverdue.length > 0 && (
        <p>
          {t('call.alsoOverdue')}:{' '}
          {call.alsoOverdue.map((i, n) => (
            <span key={i.invoiceId}>
              {n > 0 && ', '}
              <InvoiceLink id={i.invoiceId} number={i.invoiceNumber} /> <Money minor={i.amountDue} currency={i.currency} />
            </span>
          ))}
        </p>
      )}
      {call.talkingPoints.length > 0 && (
        <>
          <h4>{t('call.talkingPoints')}</h4>
          <ul>
            {call.talkingPoints.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {call.salesNotes.length > 0 && (
        <>
          <h4>{t('call.salesNotes')}</h4>
          <ul>
            {call.salesNotes.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {s.user.canWrite && (
        <ActionForm
          title={t('call.logOutcome')}
          submit={t('call.submit')}
          onDone={onDone}
          run={async (f) => {
            const note = text(f, 'note');
            const promiseDate = text(f, 'promiseDate');
            await must(
              s.api.POST('/v1/calls/{customerId}/{invoiceId}/outcome', {
                params: { path: { customerId: call.customerId, invoiceId: call.invoiceId } },
                body: { reached: f.get('reached') === 'yes', day, ...(note ? { note } : {}), ...(promiseDate ? { promise: { date: promiseDate } } : {}) },
              }),
            );
            return t('call.logged');
          }}
        >
          <fieldset>
            <legend>{t('call.reached')}</legend>
            <label class="choice">
              <input type="radio" name="reached" value="yes" required /> {t('call.reachedYes')}
            </label>
            <label class="choice">
              <input type="radio" name="reached" value="no" /> {t('call.reachedNo')}
            </label>
          </fieldset>
          <Field label={`${t('call.promiseDate')} ${t('common.optional')}`}>{(id) => <input id={id} name="promiseDate" type="date" min={day} />}</Field>
          <Field label={`${t('common.note')} ${t('common.optional')}`}>{(id) => <textarea id={id} name="note" maxLength={2000} rows={2} />}</Field>
        </ActionForm>
      )}
    </article>
  );
};

/** Equal monthly instalments that add up to the amount due (the remainder on the last one). */
export const splitInstalments = (amountDue: number, count: number, first: string): { date: string; amount: number }[] => {
  const base = Math.floor(amountDue / count);
  return Array.from({ length: count }, (_, i) => ({ date: addMonthsIso(first, i), amount: i === count - 1 ? amountDue - base * (count - 1) : base }));
};

const TaskItem = ({ task, invoice, day, onDone }: { task: Task; invoice?: Invoice; day: string; onDone: () => Promise<void> }) => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const complete = async (body: { apply?: boolean; resolution?: string }) => must(s.api.POST('/v1/tasks/{id}/complete', { params: { path: { id: task.taskId } }, body }));
  const customer = <CustomerName id={task.customerId} />;
  const inv = task.invoiceId ? <InvoiceLink id={task.invoiceId} number={task.invoiceNumber ?? invoice?.number} /> : null;
  const closeForm = (
    <ActionForm
      title={t('task.close')}
      submit={t('task.close')}
      onDone={onDone}
      run={async (f) => {
        const resolution = text(f, 'resolution');
        await complete(resolution ? { resolution } : {});
        return t('task.closed');
      }}
    >
      <Field label={`${t('task.resolution')} ${t('common.optional')}`}>{(id) => <input id={id} name="resolution" maxLength={500} />}</Field>
    </ActionForm>
  );
  switch (task.kind) {
    case 'planRequest': {
      const asked = task.plan?.instalments ?? 3;
      return (
        <article class="item task">
          <h3>
            {tx('event', 'plan_requested')}: {inv}
          </h3>
          <p>
            {customer} · {t('task.planAsked', { count: asked })}
            {invoice && (
              <>
                {' '}
                · {t('common.amountDue')} <Money minor={invoice.amountDue} currency={invoice.currency} />
              </>
            )}
          </p>
          {task.plan?.note && <p class="quote">{task.plan.note}</p>}
          {s.user.canWrite && invoice && (
            <ActionForm
              title={t('task.agreePlan')}
              submit={t('task.agreePlan')}
              onDone={onDone}
              run={async (f) => {
                const count = Number(f.get('count'));
                const first = text(f, 'first') ?? day;
                await must(
                  s.api.POST('/v1/invoices/{id}/instalment-plan', {
                    params: { path: { id: invoice.invoiceId } },
                    body: { instalments: splitInstalments(invoice.amountDue, count, first), note: `${t('task.planAsked', { count: asked })}` },
                  }),
                );
                await complete({ resolution: `plan agreed: ${count} instalments from ${first}` });
                return t('task.planAgreed');
              }}
            >
              <Field label={t('action.planCount')}>
                {(id) => (
                  <select id={id} name="count">
                    {[2, 3, 4, 5, 6, 8, 10, 12].map((n) => (
                      <option key={n} value={n} selected={n === Math.min(12, Math.max(2, asked))}>
                        {n}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('action.planFirst')}>{(id) => <input id={id} name="first" type="date" required min={day} defaultValue={addMonthsIso(day, 1)} />}</Field>
            </ActionForm>
          )}
          {s.user.canWrite && (
            <ActionForm
              title={t('task.declinePlan')}
              submit={t('task.declinePlan')}
              onDone={onDone}
              run={async (f) => {
                await complete({ resolution: text(f, 'resolution') ?? 'declined' });
                return t('task.declined');
              }}
            >
              <Field label={t('task.resolution')}>{(id) => <input id={id} name="resolution" maxLength={500} required />}</Field>
            </ActionForm>
          )}
        </article>
      );
    }
    case 'contactChange':
      return (
        <article class="item task">
          <h3>{tx('event', 'contact_change_requested')}</h3>
          <p>
            {customer}: {task.contact?.name} {task.contact?.email ?? ''} {task.contact?.phone ?? ''} {task.contact?.role ? `(${task.contact.role})` : ''}
          </p>
          {s.user.canWrite && (
            <div class="buttons">
              <ActionForm inline title={t('task.applyContact')} submit={t('task.applyContact')} onDone={onDone} run={async () => (await complete({ apply: true }), t('task.contactApplied'))} />
              <ActionForm inline title={t('task.dismiss')} submit={t('task.dismiss')} onDone={onDone} run={async () => (await complete({ resolution: 'dismissed' }), t('task.closed'))} />
            </div>
          )}
        </article>
      );
    case 'fixContact':
      return (
        <article class="item task">
          <h3>{t('task.fixContact')}</h3>
          <p>
            {customer}
            {task.failed && <> · {t('task.failedAddress', { channel: tx('channel', task.failed.channel), address: task.failed.address, reason: task.failed.reason })}</>}
          </p>
          {s.user.canWrite && task.failed?.channel === 'email' && (
            <ActionForm
              title={t('task.newEmail')}
              submit={t('common.save')}
              onDone={onDone}
              run={async (f) => {
                await must(s.api.PATCH('/v1/customers/{id}', { params: { path: { id: task.customerId } }, body: { email: text(f, 'email') ?? null } }));
                await complete({ resolution: 'address corrected' });
                return t('task.fixed');
              }}
            >
              <Field label={t('task.newEmail')}>{(id) => <input id={id} name="email" type="email" required autocomplete="off" />}</Field>
            </ActionForm>
          )}
          {s.user.canWrite && closeForm}
        </article>
      );
    case 'creditToConfirm': {
      const c = task.credit;
      return (
        <article class="item task credit">
          <h3>{t('task.creditToConfirm', { amount: c ? money(locale, c.amount, c.currency) : '', debtor: c?.debtorName ?? '—' })}</h3>
          {c && (
            <>
              <p>
                {t('task.booked', { day: c.bookingDate })}
                {c.remittance && <> · {t('task.remittance', { text: c.remittance })}</>}
              </p>
              <ul>
                {c.suggestions.map((sg, i) => (
                  <li key={i}>
                    {t('credit.suggestion', { n: i + 1, invoices: sg.invoiceIds.join(', '), score: sg.score })}
                    {s.user.canWrite && (
                      <ActionForm
                        inline
                        title={t('credit.confirm', { n: i + 1 })}
                        submit={t('credit.confirm', { n: i + 1 })}
                        onDone={onDone}
                        run={async () => {
                          await must(s.api.POST('/v1/bank-credits/{id}/confirm', { params: { path: { id: c.creditId }, header: oncePerClick() }, body: { suggestion: i } }));
                          return t('credit.confirmed');
                        }}
                      />
                    )}
                  </li>
                ))}
              </ul>
              {s.user.canWrite && (
                <ActionForm
                  title={t('credit.reject')}
                  submit={t('credit.reject')}
                  onDone={onDone}
                  run={async (f) => {
                    await must(s.api.POST('/v1/bank-credits/{id}/reject', { params: { path: { id: c.creditId } }, body: { reason: text(f, 'reason') ?? '' } }));
                    return t('credit.rejected');
                  }}
                >
                  <Field label={t('credit.rejectReason')}>{(id) => <input id={id} name="reason" required maxLength={500} />}</Field>
                </ActionForm>
              )}
            </>
          )}
        </article>
      );
    }
    case 'customerCredit': {
      const c = task.customerCredit;
      return (
        <article class="item task credit">
          <h3>{t('task.customerCredit', { amount: c ? money(locale, c.amount, c.currency) : '' })}</h3>
          <p>{customer}</p>
          {c && (
            <>
              <p>{c.source.kind === 'creditNote' ? t('credit.fromCreditNote', { number: c.source.number }) : t('credit.fromOverpayment')}</p>
              <ul>
                {c.offer.map((o) => (
                  <li key={o.invoiceId}>
                    <InvoiceLink id={o.invoiceId} number={o.number} /> · {t('credit.offered', { due: o.dueDate, amount: money(locale, o.amountDue, c.currency) })}
                    {s.user.canWrite && task.customerId && (
                      <ActionForm
                        inline
                        title={t('credit.applyTo', { number: o.number })}
                        submit={t('credit.applyTo', { number: o.number })}
                        onDone={onDone}
                        run={async () => {
                          await must(s.api.POST('/v1/customers/{id}/credits/{creditId}/apply', { params: { path: { id: task.customerId!, creditId: c.creditId }, header: oncePerClick() }, body: { invoiceId: o.invoiceId } }));
                          return t('credit.applied');
                        }}
                      />
                    )}
                  </li>
                ))}
              </ul>
              {s.user.canWrite && task.customerId && (
                <ActionForm
                  title={t('credit.refund')}
                  submit={t('credit.refund')}
                  onDone={onDone}
                  run={async (f) => {
                    const reference = text(f, 'reference');
                    await must(s.api.POST('/v1/customers/{id}/credits/{creditId}/refund', { params: { path: { id: task.customerId!, creditId: c.creditId }, header: oncePerClick() }, body: reference ? { reference } : {} }));
                    return t('credit.refunded');
                  }}
                >
                  <Field label={t('credit.refundReference')}>{(id) => <input id={id} name="reference" maxLength={140} autocomplete="off" />}</Field>
                </ActionForm>
              )}
            </>
          )}
        </article>
      );
    }
    default:
      return (
        <article class="item task">
          <h3>{task.kind === 'staleStatements' ? t('task.staleStatements') : task.kind === 'sdiRejected' ? t('task.sdiRejected') : t('task.returnToReview')}</h3>
          <p>
            {customer} {inv}
            {task.note && <> · {task.note}</>}
          </p>
          {s.user.canWrite && closeForm}
        </article>
      );
  }
};

const ResumeButton = ({ invoice, onDone }: { invoice: Invoice; onDone: () => Promise<void> }) => {
  const s = useSession();
  const { t } = useI18n();
  if (!s.user.canWrite) return null;
  return (
    <ActionForm
      inline
      title={t('failure.resume')}
      submit={t('failure.resume')}
      onDone={onDone}
      run={async () => {
        await must(s.api.POST('/v1/invoices/{id}/resume', { params: { path: { id: invoice.invoiceId } }, body: { reason: 'restarted from the console' } }));
        return t('failure.resumed');
      }}
    />
  );
};

export const TodayPage = () => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const work = useResource(() => loadWorklist(s), []);
  const reload = () => work.reload();
  return (
    <Page title={t('today.title')}>
      <Async resource={work}>
        {(w) => {
          const byId = new Map(w.active.map((i) => [i.invoiceId, i]));
          const calls = w.calls.filter((c) => !c.done);
          const answers = w.tasks.filter((x) => x.kind === 'planRequest' || x.kind === 'contactChange');
          const credits = w.tasks.filter((x) => x.kind === 'creditToConfirm' || x.kind === 'customerCredit');
          const fixes = w.tasks.filter((x) => x.kind === 'fixContact');
          const others = w.tasks.filter((x) => x.kind === 'staleStatements' || x.kind === 'returnToReview' || x.kind === 'sdiRejected');
          const disputed = w.active.filter((i) => i.status === 'disputed');
          const claimed = w.active.filter((i) => i.status === 'payment_claimed');
          const promisesDue = w.active.filter((i) => i.status === 'promised' && i.promise && i.promise.date <= w.day);
          const needsContact = w.active.filter((i) => i.needsContact);
          const failed = w.active.filter((i) => i.failure);
          return (
            <>
              <p>{t('today.intro', { day: dayText(locale, w.day) })}</p>
              <Section title={t('today.calls')} empty={t('today.callsNone')} count={calls.length}>
                {calls.map((c) => (
                  <CallItem key={`${c.customerId}#${c.invoiceId}`} call={c} day={w.day} onDone={reload} />
                ))}
              </Section>
              <Section title={t('today.answers')} empty={t('today.answersNone')} count={answers.length + disputed.length + claimed.length}>
                {answers.map((x) => (
                  <TaskItem key={x.taskId} task={x} invoice={x.invoiceId ? byId.get(x.invoiceId) : undefined} day={w.day} onDone={reload} />
                ))}
                {disputed.map((i) => (
                  <article class="item" key={i.invoiceId}>
                    <h3>
                      {tx('event', 'dispute')}: <InvoiceLink id={i.invoiceId} number={i.number} />
                    </h3>
                    <p>
                      <CustomerName id={i.customerId} /> · {tx('reason', i.dispute?.reason)} {i.dispute?.text ? `· ${i.dispute.text}` : ''} · <Money minor={i.amountDue} currency={i.currency} />
                    </p>
                    <a href={href('invoices', i.invoiceId)}>{t('action.resolve')}</a>
                  </article>
                ))}
                {claimed.map((i) => (
                  <article class="item" key={i.invoiceId}>
                    <h3>
                      {tx('event', 'payment_claimed')}: <InvoiceLink id={i.invoiceId} number={i.number} />
                    </h3>
                    <p>
                      <CustomerName id={i.customerId} /> · {t('answer.claimedOn', { day: i.paymentClaim?.paidOn ?? '—', reference: i.paymentClaim?.reference ?? '—' })}
                    </p>
                    <a href={href('invoices', i.invoiceId)}>{t('action.payment')}</a>
                  </article>
                ))}
              </Section>
              <Section title={t('today.credits')} empty={t('today.creditsNone')} count={credits.length}>
                {credits.map((x) => (
                  <TaskItem key={x.taskId} task={x} day={w.day} onDone={reload} />
                ))}
              </Section>
              <Section title={t('today.promises')} empty={t('today.promisesNone')} count={promisesDue.length + w.brokenPromises.length}>
                {promisesDue.map((i) => (
                  <article class="item" key={i.invoiceId}>
                    <h3>
                      {tx('event', 'promise')}: <InvoiceLink id={i.invoiceId} number={i.number} />
                    </h3>
                    <p>
                      <CustomerName id={i.customerId} /> · {t('invoice.promise', { day: dayText(locale, i.promise?.date) })} · <Money minor={i.amountDue} currency={i.currency} />
                    </p>
                  </article>
                ))}
                {w.brokenPromises.map((b) => (
                  <article class="item" key={`broken-${b.invoiceId}`}>
                    <h3>
                      {tx('event', 'promise_broken')}: <InvoiceLink id={b.invoiceId} number={b.number} />
                    </h3>
                    <p>
                      <a href={href('customers', b.customerId)}>{b.customerName}</a> · <Day iso={b.promiseDate} />
                    </p>
                  </article>
                ))}
              </Section>
              <Section title={t('today.contacts')} empty={t('today.contactsNone')} count={fixes.length + needsContact.length}>
                {fixes.map((x) => (
                  <TaskItem key={x.taskId} task={x} day={w.day} onDone={reload} />
                ))}
                {needsContact.map((i) => (
                  <article class="item" key={`contact-${i.invoiceId}`}>
                    <h3>
                      <InvoiceLink id={i.invoiceId} number={i.number} />
                    </h3>
                    <p>
                      <CustomerName id={i.customerId} /> · {t('contact.needed')}
                    </p>
                  </article>
                ))}
              </Section>
              <Section title={t('today.failures')} empty={t('today.failuresNone')} count={failed.length}>
                {failed.map((i) => (
                  <article class="item" key={`failed-${i.invoiceId}`}>
                    <h3>
                      <InvoiceLink id={i.invoiceId} number={i.number} />
                    </h3>
                    <p>
                      <CustomerName id={i.customerId} /> · {i.failure?.state}: {i.failure?.error}
                    </p>
                    <ResumeButton invoice={i} onDone={reload} />
                  </article>
                ))}
              </Section>
              {others.length > 0 && (
                <Section title={t('today.other')} empty="" count={others.length}>
                  {others.map((x) => (
                    <TaskItem key={x.taskId} task={x} day={w.day} onDone={reload} />
                  ))}
                </Section>
              )}
            </>
          );
        }}
      </Async>
    </Page>
  );
};


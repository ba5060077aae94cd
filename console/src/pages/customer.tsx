/**
 * One customer: what it owes per currency, its credit status, policy, contacts and office hours,
 * sales notes, all its invoices, and one timeline of every contact across them (with its own log:
 * contact changes, notes, holds).
 */
import { must, type ContactEvent, type Customer, type Invoice } from '../api.js';
import { ActionForm, Async, Day, Field, Lateness, Money, Page, Status, Timeline, text } from '../components.js';
import { instant } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession, type Session } from '../session.js';

const POLICIES = ['relationship', 'standard', 'firm'] as const;
/** The invoices whose logs the customer timeline reads (the newest ones when there are more). */
const TIMELINE_INVOICES = 25;

interface CustomerView {
  customer: Customer;
  history: ContactEvent[];
  invoices: Invoice[];
  events: (ContactEvent & { invoiceLabel?: string; currency?: string })[];
}

const loadCustomer = async (s: Session, id: string): Promise<CustomerView> => {
  const [detail, invoices] = await Promise.all([
    must(s.api.GET('/v1/customers/{id}', { params: { path: { id } } })),
    (async () => {
      const out: Invoice[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const data = await must(s.api.GET('/v1/invoices', { params: { query: { customerId: id, limit: 100, ...(cursor ? { cursor } : {}) } } }));
        out.push(...data.items);
        cursor = data.nextCursor;
        if (!cursor) break;
      }
      return out;
    })(),
  ]);
  const recent = [...invoices].sort((a, b) => (a.dueDate < b.dueDate ? 1 : -1)).slice(0, TIMELINE_INVOICES);
  const logs = await Promise.all(recent.map((i) => must(s.api.GET('/v1/invoices/{id}', { params: { path: { id: i.invoiceId } } }))));
  const events = [
    ...detail.history,
    ...logs.flatMap((d) => d.log.map((e) => ({ ...e, invoiceLabel: d.invoice.number, currency: d.invoice.currency }))),
  ];
  return { customer: detail.customer, history: detail.history, invoices, events };
};

const owedByCurrency = (invoices: Invoice[]): { currency: string; amount: number }[] => {
  const m = new Map<string, number>();
  for (const i of invoices) if (i.amountDue > 0 && ['open', 'promised', 'disputed', 'paused', 'payment_claimed'].includes(i.status)) m.set(i.currency, (m.get(i.currency) ?? 0) + i.amountDue);
  return [...m].map(([currency, amount]) => ({ currency, amount }));
};

export const CustomerPage = ({ customerId }: { customerId: string }) => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const view = useResource(() => loadCustomer(s, customerId), [customerId]);
  const title = view.data ? view.data.customer.name : t('common.customer');
  return (
    <Page title={title}>
      <Async resource={view}>
        {(v) => {
          const c = v.customer;
          const owed = owedByCurrency(v.invoices);
          const path = { params: { path: { id: c.customerId } } };
          return (
            <>
              <section aria-labelledby="owed-h">
                <h2 id="owed-h">{t('customer.owed')}</h2>
                {owed.length === 0 ? (
                  <p>{t('common.none')}</p>
                ) : (
                  <ul class="totals">
                    {owed.map((o) => (
                      <li key={o.currency}>
                        <Money minor={o.amount} currency={o.currency} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="credit-h">
                <h2 id="credit-h">{t('customer.credit')}</h2>
                <p>{c.creditHold ? t('customer.onHold', { when: instant(locale, c.creditHold.placedAt), reason: c.creditHold.reason }) : t('customer.noHold')}</p>
                {c.creditHold && s.user.canWrite && (
                  <ActionForm
                    title={t('customer.release')}
                    submit={t('customer.release')}
                    onDone={view.reload}
                    run={async (f) => {
                      const reason = text(f, 'reason');
                      await must(s.api.POST('/v1/customers/{id}/release-hold', { ...path, body: reason ? { reason } : {} }));
                      return t('common.saved');
                    }}
                  >
                    <Field label={`${t('common.reason')} ${t('common.optional')}`}>{(id) => <input id={id} name="reason" maxLength={500} />}</Field>
                  </ActionForm>
                )}
                <h3>{t('customer.policy')}</h3>
                <p>{c.policy ?? t('customer.policyDefault')}</p>
                {s.user.canWrite && (
                  <ActionForm
                    title={t('customer.changePolicy')}
                    submit={t('common.save')}
                    onDone={view.reload}
                    run={async (f) => {
                      const p = text(f, 'policy');
                      await must(s.api.PATCH('/v1/customers/{id}', { ...path, body: { policy: p && (POLICIES as readonly string[]).includes(p) ? (p as (typeof POLICIES)[number]) : null } }));
                      return t('common.saved');
                    }}
                  >
                    <Field label={t('customer.policy')}>
                      {(id) => (
                        <select id={id} name="policy">
                          <option value="" selected={!c.policy}>{t('customer.policyDefault')}</option>
                          {POLICIES.map((p) => (
                            <option key={p} value={p} selected={c.policy === p}>
                              {p}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                  </ActionForm>
                )}
              </section>
              <section aria-labelledby="contacts-h">
                <h2 id="contacts-h">{t('customer.contacts')}</h2>
                <dl class="facts">
                  <dt>{t('customer.email')}</dt>
                  <dd>
                    {c.email ?? '—'} {c.emailStatus && c.emailStatus !== 'ok' && <span class="warning">({c.emailStatus === 'bounced' ? t('customer.emailBounced') : t('customer.emailComplained')})</span>}
                  </dd>
                  <dt>{t('customer.phone')}</dt>
                  <dd>{c.phone ?? '—'}</dd>
                  <dt>{t('customer.billingContact')}</dt>
                  <dd>{c.billingContact ? [c.billingContact.name, c.billingContact.role, c.billingContact.email, c.billingContact.phone].filter(Boolean).join(' · ') : '—'}</dd>
                  <dt>{t('customer.salesRep')}</dt>
                  <dd>{c.salesRep ? [c.salesRep.name, c.salesRep.email].filter(Boolean).join(' · ') : '—'}</dd>
                  <dt>{t('customer.language')}</dt>
                  <dd>{c.language}</dd>
                  <dt>{t('customer.timeZone')}</dt>
                  <dd>{c.timeZone}</dd>
                  <dt>{t('customer.officeHours')}</dt>
                  <dd>
                    {c.officeHours ? `${c.officeHours.days.map((d) => tx('weekday', String(d))).join(' ')} ${c.officeHours.from}–${c.officeHours.to}` : '—'}
                  </dd>
                  <dt>{t('customer.paymentDays')}</dt>
                  <dd>{c.paymentDays && c.paymentDays.length > 0 ? c.paymentDays.join(', ') : t('customer.anyDay')}</dd>
                </dl>
              </section>
              <section aria-labelledby="notes-h">
                <h2 id="notes-h">{t('customer.salesNotes')}</h2>
                {c.salesNotes && c.salesNotes.length > 0 ? (
                  <ul>
                    {c.salesNotes.map((n, i) => (
                      <li key={i}>{n}</li>
                    ))}
                  </ul>
                ) : (
                  <p>{t('common.none')}</p>
                )}
                {s.user.canWrite && (
                  <ActionForm
                    title={t('customer.addNote')}
                    submit={t('action.submit')}
                    onDone={view.reload}
                    run={async (f) => {
                      await must(s.api.POST('/v1/customers/{id}/notes', { ...path, body: { text: text(f, 'text') ?? '' } }));
                      return t('common.saved');
                    }}
                  >
                    <Field label={t('action.noteText')}>{(id) => <textarea id={id} name="text" required maxLength={4000} rows={2} />}</Field>
                  </ActionForm>
                )}
              </section>
              <section aria-labelledby="invoices-h">
                <h2 id="invoices-h">{t('customer.invoices')}</h2>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('common.invoice')}</th>
                      <th scope="col">{t('common.status')}</th>
                      <th scope="col">{t('common.dueDate')}</th>
                      <th scope="col">{t('common.amountDue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.invoices.map((i) => (
                      <tr key={i.invoiceId}>
                        <td>
                          <a href={href('invoices', i.invoiceId)}>{i.number}</a>
                        </td>
                        <td>
                          <Status status={i.status} />
                        </td>
                        <td>
                          <Day iso={i.dueDate} /> <Lateness days={i.daysPastDue} />
                        </td>
                        <td>
                          <Money minor={i.amountDue} currency={i.currency} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section aria-labelledby="timeline-h">
                <h2 id="timeline-h">{t('customer.timeline')}</h2>
                <Timeline events={v.events} showInvoice />
              </section>
            </>
          );
        }}
      </Async>
    </Page>
  );
};

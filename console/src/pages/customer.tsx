/**
 * One customer: what it owes per currency, its credit status, policy, contacts and office hours,
 * sales notes, all its invoices, and one timeline of every contact across them (with its own log:
 * contact changes, notes, holds). A finance user changes its policy (a preset or one of the
 * company's, GET /v1/policies), its segment and key-account flag, and its contacts: a corrected
 * e-mail after a bounce takes the written chase up again (PATCH /v1/customers/{id}).
 */
import { must, type ContactEvent, type Customer, type Invoice, type Schemas } from '../api.js';
import { ActionForm, Async, Day, Field, Lateness, Money, Page, Status, Timeline, text } from '../components.js';
import { instant } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession, type Session } from '../session.js';
import { contactChanges } from './customer-edits.js';
import { calendarChanges } from './customer-calendar.js';

const LANGUAGES = ['it', 'en', 'ro'] as const;
/** The invoices whose logs the customer timeline reads (the newest ones when there are more). */
const TIMELINE_INVOICES = 25;

interface CustomerView {
  customer: Customer;
  /** Every policy a customer may follow (the presets and the company's own) and the segments the company gave a policy. */
  policies: Schemas['PolicyList'];
  history: ContactEvent[];
  invoices: Invoice[];
  events: (ContactEvent & { invoiceLabel?: string; currency?: string })[];
}

const loadCustomer = async (s: Session, id: string): Promise<CustomerView> => {
  const [detail, policies, invoices] = await Promise.all([
    must(s.api.GET('/v1/customers/{id}', { params: { path: { id } } })),
    must(s.api.GET('/v1/policies')),
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
  return { customer: detail.customer, policies, history: detail.history, invoices, events };
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
          /** "10 Aug – 24 Aug every year (Ferie)", "24 Dec 2026 – 31 Dec 2026". */
          const closureText = (x: NonNullable<typeof c.closures>[number]) => {
            const yearly = x.from.length === 5;
            const d = (v: string) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...(yearly ? {} : { year: 'numeric' }), timeZone: 'UTC' }).format(new Date(`${yearly ? '2000-' : ''}${v}T00:00:00Z`));
            const span = x.from === x.to ? d(x.from) : `${d(x.from)} – ${d(x.to)}`;
            return `${span}${yearly ? ` ${t('customer.everyYear')}` : ''}${x.label ? ` (${x.label})` : ''}`;
          };
          const policyName = (id: string | undefined) => (id ? (v.policies.policies.find((p) => p.id === id)?.name ?? id) : undefined);
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
                <p>{policyName(c.policy) ?? t('customer.policyDefault')}</p>
                <dl class="facts">
                  <dt>{t('customer.segment')}</dt>
                  <dd>{c.segment ?? t('customer.segmentNone')}</dd>
                  <dt>{t('customer.keyAccount')}</dt>
                  <dd>{c.preserveRelationship ? t('common.yes') : t('common.no')}</dd>
                </dl>
                {s.user.canWrite && (
                  <ActionForm
                    title={t('customer.changePolicy')}
                    submit={t('common.save')}
                    onDone={view.reload}
                    run={async (f) => {
                      const policy = text(f, 'policy') ?? null;
                      const segment = text(f, 'segment') ?? null;
                      const preserveRelationship = f.get('preserveRelationship') === 'on';
                      const body = {
                        ...(policy !== (c.policy ?? null) ? { policy } : {}),
                        ...(segment !== (c.segment ?? null) ? { segment } : {}),
                        ...(preserveRelationship !== Boolean(c.preserveRelationship) ? { preserveRelationship } : {}),
                      };
                      if (Object.keys(body).length === 0) return t('customer.nothingChanged');
                      await must(s.api.PATCH('/v1/customers/{id}', { ...path, body }));
                      return t('customer.saved', { what: t('customer.changePolicy') });
                    }}
                  >
                    <Field label={t('customer.policy')}>
                      {(id) => (
                        <select id={id} name="policy">
                          <option value="" selected={!c.policy}>{t('customer.policyDefault')}</option>
                          {v.policies.policies.map((p) => (
                            <option key={p.id} value={p.id} selected={c.policy === p.id}>
                              {p.readOnly ? p.name : t('customer.companyPolicy', { name: p.name })}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <Field label={t('customer.segment')} hint={t('customer.segmentHint')}>
                      {(id, hint) => (
                        <select id={id} name="segment" aria-describedby={hint}>
                          <option value="" selected={!c.segment}>{t('customer.segmentNone')}</option>
                          {[...new Set([...Object.keys(v.policies.segmentPolicies), ...(c.segment ? [c.segment] : [])])].sort().map((seg) => (
                            <option key={seg} value={seg} selected={c.segment === seg}>
                              {seg}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <div class="field">
                      <label>
                        <input type="checkbox" name="preserveRelationship" defaultChecked={Boolean(c.preserveRelationship)} /> {t('customer.keyAccountHint')}
                      </label>
                    </div>
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
                  <dd>{tx('language', c.language)}</dd>
                  <dt>{t('customer.timeZone')}</dt>
                  <dd>{c.timeZone}</dd>
                  <dt>{t('customer.officeHours')}</dt>
                  <dd>
                    {c.officeHours ? `${c.officeHours.days.map((d) => tx('weekday', String(d))).join(' ')} ${c.officeHours.from}–${c.officeHours.to}` : '—'}
                  </dd>
                  <dt>{t('customer.paymentDays')}</dt>
                  <dd>{c.paymentDays && c.paymentDays.length > 0 ? c.paymentDays.join(', ') : t('customer.anyDay')}</dd>
                  <dt>{t('customer.sendWindow')}</dt>
                  <dd>{c.sendWindow ? `${c.sendWindow.from}–${c.sendWindow.to}` : t('customer.policyWindow')}</dd>
                  <dt>{t('customer.place')}</dt>
                  <dd>{[c.city, c.region].filter(Boolean).join(', ') || '—'}</dd>
                  <dt>{t('customer.closures')}</dt>
                  <dd>{c.closures && c.closures.length > 0 ? c.closures.map(closureText).join('; ') : t('common.none')}</dd>
                </dl>
                {s.user.canWrite && (
                  <ActionForm
                    title={t('customer.editContacts')}
                    submit={t('common.save')}
                    onDone={view.reload}
                    run={async (f) => {
                      const body = contactChanges(c, (name) => text(f, name));
                      if (Object.keys(body).length === 0) return t('customer.nothingChanged');
                      await must(s.api.PATCH('/v1/customers/{id}', { ...path, body }));
                      return t('customer.saved', { what: t('customer.editContacts') });
                    }}
                  >
                    <Field label={t('customer.email')}>{(id) => <input id={id} name="email" type="email" autocomplete="off" maxLength={254} defaultValue={c.email ?? ''} />}</Field>
                    <Field label={t('customer.phone')} hint={t('customer.phoneHint')}>
                      {(id, hint) => <input id={id} name="phone" type="tel" autocomplete="off" maxLength={20} defaultValue={c.phone ?? ''} aria-describedby={hint} />}
                    </Field>
                    <fieldset>
                      <legend>{t('customer.billingContact')}</legend>
                      <Field label={t('customer.personName')}>{(id) => <input id={id} name="billingName" autocomplete="off" maxLength={200} defaultValue={c.billingContact?.name ?? ''} />}</Field>
                      <Field label={`${t('customer.personRole')} ${t('common.optional')}`}>{(id) => <input id={id} name="billingRole" autocomplete="off" maxLength={100} defaultValue={c.billingContact?.role ?? ''} />}</Field>
                      <Field label={`${t('customer.email')} ${t('common.optional')}`}>{(id) => <input id={id} name="billingEmail" type="email" autocomplete="off" maxLength={254} defaultValue={c.billingContact?.email ?? ''} />}</Field>
                      <Field label={`${t('customer.phone')} ${t('common.optional')}`}>{(id) => <input id={id} name="billingPhone" type="tel" autocomplete="off" maxLength={20} defaultValue={c.billingContact?.phone ?? ''} />}</Field>
                    </fieldset>
                    <fieldset>
                      <legend>{t('customer.salesRep')}</legend>
                      <Field label={t('customer.personName')}>{(id) => <input id={id} name="repName" autocomplete="off" maxLength={200} defaultValue={c.salesRep?.name ?? ''} />}</Field>
                      <Field label={`${t('customer.email')} ${t('common.optional')}`}>{(id) => <input id={id} name="repEmail" type="email" autocomplete="off" maxLength={254} defaultValue={c.salesRep?.email ?? ''} />}</Field>
                    </fieldset>
                    <Field label={t('customer.language')}>
                      {(id) => (
                        <select id={id} name="language">
                          {LANGUAGES.map((l) => (
                            <option key={l} value={l} selected={c.language === l}>
                              {tx('language', l)}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                  </ActionForm>
                )}
                {s.user.canWrite && (
                  <ActionForm
                    title={t('customer.editCalendar')}
                    submit={t('common.save')}
                    onDone={view.reload}
                    run={async (f) => {
                      const body = calendarChanges(c, { field: (name) => text(f, name), all: (name) => f.getAll(name).map(String) });
                      if (Object.keys(body).length === 0) return t('customer.nothingChanged');
                      await must(s.api.PATCH('/v1/customers/{id}', { ...path, body }));
                      return t('customer.saved', { what: t('customer.editCalendar') });
                    }}
                  >
                    <fieldset>
                      <legend>{t('customer.officeHours')}</legend>
                      <div class="checks">
                        {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                          <label key={d}>
                            <input type="checkbox" name="officeDay" value={String(d)} defaultChecked={c.officeHours?.days.includes(d) ?? false} /> {tx('weekday', String(d))}
                          </label>
                        ))}
                      </div>
                      <Field label={t('customer.from')}>{(id) => <input id={id} name="officeFrom" type="time" defaultValue={c.officeHours?.from ?? ''} />}</Field>
                      <Field label={t('customer.to')}>{(id) => <input id={id} name="officeTo" type="time" defaultValue={c.officeHours?.to ?? ''} />}</Field>
                    </fieldset>
                    <Field label={t('customer.paymentDays')} hint={t('customer.paymentDaysHint')}>
                      {(id, hint) => <input id={id} name="paymentDays" inputMode="numeric" aria-describedby={hint} defaultValue={(c.paymentDays ?? []).join(', ')} />}
                    </Field>
                    <fieldset>
                      <legend>{`${t('customer.sendWindow')} ${t('common.optional')}`}</legend>
                      <Field label={t('customer.from')}>{(id) => <input id={id} name="windowFrom" type="time" defaultValue={c.sendWindow?.from ?? ''} />}</Field>
                      <Field label={t('customer.to')}>{(id) => <input id={id} name="windowTo" type="time" defaultValue={c.sendWindow?.to ?? ''} />}</Field>
                    </fieldset>
                    <Field label={`${t('customer.city')} ${t('common.optional')}`} hint={t('customer.cityHint')}>
                      {(id, hint) => <input id={id} name="city" maxLength={100} aria-describedby={hint} defaultValue={c.city ?? ''} />}
                    </Field>
                    <Field label={`${t('customer.region')} ${t('common.optional')}`} hint={t('customer.regionHint')}>
                      {(id, hint) => <input id={id} name="region" maxLength={30} aria-describedby={hint} defaultValue={c.region ?? ''} />}
                    </Field>
                    <fieldset>
                      <legend>{t('customer.closures')}</legend>
                      {(c.closures ?? []).map((x, i) => (
                        <label key={`${x.from}-${x.to}-${i}`}>
                          <input type="checkbox" name="keepClosure" value={String(i)} defaultChecked /> {t('customer.keepClosure', { closure: closureText(x) })}
                        </label>
                      ))}
                      <Field label={t('customer.closureFrom')}>{(id) => <input id={id} name="closureFrom" type="date" />}</Field>
                      <Field label={`${t('customer.closureTo')} ${t('common.optional')}`}>{(id) => <input id={id} name="closureTo" type="date" />}</Field>
                      <Field label={`${t('customer.closureLabel')} ${t('common.optional')}`}>{(id) => <input id={id} name="closureLabel" maxLength={100} />}</Field>
                      <label>
                        <input type="checkbox" name="closureYearly" /> {t('customer.closureYearly')}
                      </label>
                    </fieldset>
                  </ActionForm>
                )}
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

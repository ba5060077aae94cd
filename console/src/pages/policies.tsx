/**
 * The playbook from a screen: which policy applies (the company default, each segment's), every
 * policy (the presets and the company's own, GET /v1/policies), one policy's timeline stage by
 * stage, and, for a finance user, a new version or a new policy written as JSON (checked by the API
 * like POST /v1/policies: every problem comes back beside the form); and a what-if of two policies
 * over the open portfolio (POST /v1/simulations), their figures side by side.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { must, type Schemas } from '../api.js';
import { ActionForm, Async, Day, Field, Money, Page, text } from '../components.js';
import { instant, money } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../session.js';
import { policyJson, stageRows } from './policy-view.js';

type PolicyList = Schemas['PolicyList'];
type Simulation = Schemas['SimulationResult'];
type Outcome = Simulation['policies'][number];

const nameIn = (list: PolicyList, id: string): string => list.policies.find((p) => p.id === id)?.name ?? id;

export const PoliciesPage = () => {
  const s = useSession();
  const { t, locale } = useI18n();
  const list = useResource(() => must(s.api.GET('/v1/policies')), []);
  return (
    <Page title={t('policies.title')}>
      <Async resource={list}>
        {(l) => (
          <>
            <section aria-labelledby="applies-h">
              <h2 id="applies-h">{t('policies.applies')}</h2>
              <p>{t('policies.order')}</p>
              <dl class="facts">
                <dt>{t('policies.default')}</dt>
                <dd>{nameIn(l, l.defaultPolicy)}</dd>
                {Object.entries(l.segmentPolicies).flatMap(([segment, id]) => [<dt key={`${segment}-t`}>{t('policies.segment', { segment })}</dt>, <dd key={`${segment}-d`}>{nameIn(l, id)}</dd>])}
              </dl>
            </section>
            <section aria-labelledby="list-h">
              <h2 id="list-h">{t('policies.list')}</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('policies.name')}</th>
                    <th scope="col">{t('policies.kind')}</th>
                    <th scope="col">{t('policies.version')}</th>
                  </tr>
                </thead>
                <tbody>
                  {l.policies.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <a href={href('policies', p.id)}>{p.name}</a>
                      </td>
                      <td>{p.readOnly ? t('policies.preset') : t('policies.own')}</td>
                      <td>{p.savedAt ? t('policies.savedVersion', { version: p.version, when: instant(locale, p.savedAt) }) : p.version}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <WhatIf list={l} />
          </>
        )}
      </Async>
    </Page>
  );
};

/** Two policies over the open portfolio, replayed by the API; the figures a finance team weighs, side by side. */
const WhatIf = ({ list }: { list: PolicyList }) => {
  const s = useSession();
  const { t } = useI18n();
  const [result, setResult] = useState<Simulation>();
  const pick = (name: string, initial: string) => (
    <Field label={t(name === 'a' ? 'policies.first' : 'policies.second')}>
      {(id) => (
        <select id={id} name={name}>
          {list.policies.map((p) => (
            <option key={p.id} value={p.id} selected={p.id === initial}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const other = list.policies.find((p) => p.id !== list.defaultPolicy)?.id ?? list.defaultPolicy;
  return (
    <section aria-labelledby="whatif-h">
      <h2 id="whatif-h">{t('policies.compare')}</h2>
      <p>{t('policies.compareHint')}</p>
      <ActionForm
        title={t('policies.compare')}
        submit={t('policies.run')}
        inline
        keepValues
        run={async (f) => {
          const ids = [text(f, 'a') ?? list.defaultPolicy, text(f, 'b') ?? other];
          const out = await must(s.api.POST('/v1/simulations', { body: { policies: ids.map((id) => ({ id })) }, params: { query: { format: 'json' } } }));
          if (typeof out === 'string') throw new Error('the what-if came back as a page');
          setResult(out);
          return t('policies.compared');
        }}
      >
        {pick('a', list.defaultPolicy)}
        {pick('b', other)}
      </ActionForm>
      {result && <WhatIfTable result={result} list={list} />}
    </section>
  );
};

const WhatIfTable = ({ result, list }: { result: Simulation; list: PolicyList }) => {
  const { t, locale } = useI18n();
  const [a, b] = result.policies;
  if (!a || !b) return null;
  const num = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n));
  const pct = (n: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n);
  const currencies = [...new Set(result.policies.flatMap((p) => p.recovery.map((r) => r.currency)))].sort();
  const rows: [string, (p: Outcome) => ComponentChildren][] = [
    [t('policies.invoices'), (p) => num(p.invoices)],
    [t('policies.emails'), (p) => num(p.messages.email, 1)],
    [t('policies.sms'), (p) => num(p.messages.sms, 1)],
    [t('policies.calls'), (p) => num(p.messages.call, 1)],
    [t('policies.overLimit', { limit: result.assumptions.contactLimit }), (p) => num(p.overLimit.customers)],
    [t('policies.smsCost'), (p) => <Money minor={p.sms.costMinor} currency={p.sms.currency} />],
    [t('policies.holdDays'), (p) => num(p.creditHold.medianDaysLate)],
    [t('policies.handOffDays'), (p) => num(p.handOff.medianDaysLate)],
    ...currencies.flatMap((cur): [string, (p: Outcome) => ComponentChildren][] => [
      ...result.assumptions.horizons.map((days): [string, (p: Outcome) => ComponentChildren] => [
        t('policies.recovered', { days, currency: cur }),
        (p) => {
          const w = p.recovery.find((r) => r.currency === cur)?.within.find((x) => x.days === days);
          return w ? (
            <>
              <Money minor={w.amount} currency={cur} /> ({pct(w.share)})
            </>
          ) : (
            '–'
          );
        },
      ]),
      [t('policies.dso', { currency: cur }), (p) => num(p.recovery.find((r) => r.currency === cur)?.dsoDays, 1)],
    ]),
  ];
  // A preset comes back by its id: its name is the list's.
  const heading = (p: Outcome) => p.policy.name ?? nameIn(list, p.policy.id);
  return (
    <>
      <table class="whatif">
        <caption>{result.scope.kind === 'open' ? t('policies.scopeOpen', { day: result.scope.asOf }) : t('policies.scopePeriod', { from: result.scope.from, to: result.scope.to })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('policies.figure')}</th>
            <th scope="col">{heading(a)}</th>
            <th scope="col">{heading(b)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, cell]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{cell(a)}</td>
              <td>{cell(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.usesDefaults && <p class="warning">{t('policies.usesDefaults')}</p>}
      {result.warnings.map((w) => (
        <p class="warning" key={w}>
          {w}
        </p>
      ))}
      <p class="hint">
        {t('policies.generated')} <Day iso={result.generatedAt.slice(0, 10)} />
      </p>
    </>
  );
};

export const PolicyPage = ({ policyId }: { policyId: string }) => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const view = useResource(() => must(s.api.GET('/v1/policies/{policyId}', { params: { path: { policyId } } })), [policyId]);
  return (
    <Page title={view.data ? view.data.policy.name : t('policies.title')}>
      <Async resource={view}>
        {(v) => {
          const p = v.policy;
          /** When a firm stage may come: its days late and the least open amount per currency it waits for. */
          const threshold = (x: { minDaysLate?: number; minAmountMinor?: Record<string, number> } | undefined) => {
            const amounts = Object.entries(x?.minAmountMinor ?? {}).map(([currency, minor]) => money(locale, minor, currency));
            const days = x?.minDaysLate ? t('policies.minDaysLate', { days: x.minDaysLate }) : t('policies.atItsStage');
            return amounts.length ? `${days}, ${t('policies.minAmount', { amounts: amounts.join(', ') })}` : days;
          };
          return (
            <>
              <p>
                <a href={href('policies')}>{t('policies.back')}</a>
              </p>
              <dl class="facts">
                <dt>{t('policies.kind')}</dt>
                <dd>{v.readOnly ? t('policies.preset') : t('policies.ownVersion', { version: v.version })}</dd>
                <dt>{t('policies.tone')}</dt>
                <dd>{tx('tone', p.tone)}</dd>
                <dt>{t('policies.sendWindow')}</dt>
                <dd>
                  {p.sendWindow?.from ?? '09:00'}–{p.sendWindow?.to ?? '18:00'}
                </dd>
                <dt>{t('policies.caps')}</dt>
                <dd>{t('policies.capsValue', { emails: p.emailsPerWeek ?? 3, sms: p.smsPerWeek ?? 1, gap: p.minGapDays ?? 5 })}</dd>
                <dt>{t('stage.creditHold')}</dt>
                <dd>{threshold(p.creditHold)}</dd>
                <dt>{t('stage.escalation')}</dt>
                <dd>
                  {threshold(p.escalation)} {p.escalation?.mode === 'prepare' ? t('policies.modePrepare') : t('policies.modeSend')}
                </dd>
              </dl>
              <table>
                <caption>{t('policies.stages')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('policies.stage')}</th>
                    <th scope="col">{t('policies.when')}</th>
                    <th scope="col">{t('policies.channels')}</th>
                    <th scope="col">{t('policies.tone')}</th>
                  </tr>
                </thead>
                <tbody>
                  {stageRows(p).map((r) => (
                    <tr key={r.key}>
                      <th scope="row">{r.extra ? t('policies.extra', { after: tx('stage', r.stage) }) : tx('stage', r.stage)}</th>
                      <td>{r.fromPrevious ? t('policies.afterPrevious', { days: r.offsetDays }) : r.offsetDays < 0 ? t('policies.beforeDue', { days: -r.offsetDays }) : r.offsetDays === 0 ? t('policies.onDue') : t('policies.afterDue', { days: r.offsetDays })}</td>
                      <td>{r.channels.map((c) => tx('channel', c === 'call' ? 'phone' : c)).join(', ')}</td>
                      <td>{tx('tone', r.tone ?? p.tone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {s.user.canWrite && (
                <ActionForm
                  title={v.readOnly ? t('policies.copy') : t('policies.newVersion')}
                  submit={t('common.save')}
                  run={async (f) => {
                    const raw = text(f, 'policy') ?? '';
                    let body: Schemas['CompanyPolicy'];
                    try {
                      body = JSON.parse(raw) as Schemas['CompanyPolicy'];
                    } catch (err) {
                      throw new Error(t('policies.notJson', { why: (err as Error).message }));
                    }
                    const saved =
                      !v.readOnly && body.id === p.id
                        ? await must(s.api.POST('/v1/policies/{policyId}/versions', { params: { path: { policyId: p.id } }, body }))
                        : await must(s.api.POST('/v1/policies', { body }));
                    if (saved.policy.id !== policyId) location.hash = href('policies', saved.policy.id);
                    else await view.reload();
                    return saved.created === false ? t('policies.unchanged') : t('policies.saved', { name: saved.policy.name, version: saved.version });
                  }}
                >
                  <Field label={t('policies.json')} hint={v.readOnly ? t('policies.copyHint') : t('policies.versionHint')}>
                    {(id, hint) => <textarea id={id} name="policy" rows={18} spellcheck={false} class="code" aria-describedby={hint} defaultValue={policyJson(p, v.readOnly)} />}
                  </Field>
                </ActionForm>
              )}
            </>
          );
        }}
      </Async>
    </Page>
  );
};

/**
 * Ageing: open amounts per currency by bucket (a chart and its table), DSO per currency and its
 * trend over the last week ends (a line chart and its table), outcomes
 * per policy and stage, the 90-day recovery beside its 40% reference, per customer; and the CSV
 * downloads the weekly report attaches. Loaded on demand with its chart library.
 */
import { ageingReport, type AgeingReport } from '../api.js';
import { Async, Money, Page } from '../components.js';
import { BarChart, LineChart } from '../chart.js';
import { day as dayText, money, number, percent, toMajor } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../session.js';

const BUCKETS = ['not_due', '1-30', '31-60', '61-90', 'over_90'] as const;

const download = async (s: ReturnType<typeof useSession>, rows: 'customers' | 'invoices', lang: 'it' | 'en' | 'ro') => {
  const { data, response } = await s.api.GET('/v1/reports/ageing', { params: { query: { format: 'csv', rows, lang } }, parseAs: 'blob' });
  if (!response.ok || !data) throw new Error(`HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `ageing-${rows}.csv`;
  const url = URL.createObjectURL(data as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

const Report = ({ r }: { r: AgeingReport }) => {
  const s = useSession();
  const { t, tx, locale, lang } = useI18n();
  const rec = r.outcomes.recovery90;
  return (
    <>
      <p>{t('ageing.asOf', { day: dayText(locale, r.today), timeZone: r.timeZone })}</p>
      <div class="buttons">
        <button type="button" onClick={() => void download(s, 'customers', lang)}>
          {t('ageing.csvCustomers')}
        </button>
        <button type="button" onClick={() => void download(s, 'invoices', lang)}>
          {t('ageing.csvInvoices')}
        </button>
      </div>
      {r.totals.length === 0 && <p>{t('ageing.none')}</p>}
      {r.totals.map((tot) => (
        <section key={tot.currency} aria-labelledby={`b-${tot.currency}`}>
          <h2 id={`b-${tot.currency}`}>{t('ageing.byBucket', { currency: tot.currency })}</h2>
          <BarChart
            categories={BUCKETS.map((b) => tx('bucket', b))}
            series={[{ label: tot.currency, values: BUCKETS.map((b) => toMajor(tot.buckets[b], tot.currency)), color: '#1f5f8b' }]}
            label={t('ageing.chartLabel', { currency: tot.currency })}
            format={(v) => new Intl.NumberFormat(locale, { style: 'currency', currency: tot.currency, notation: 'compact' }).format(v)}
          />
          <table>
            <thead>
              <tr>
                {BUCKETS.map((b) => (
                  <th scope="col" key={b}>
                    {tx('bucket', b)}
                  </th>
                ))}
                <th scope="col">{t('common.total')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                {BUCKETS.map((b) => (
                  <td key={b}>
                    <Money minor={tot.buckets[b]} currency={tot.currency} />
                  </td>
                ))}
                <td>
                  <Money minor={tot.total} currency={tot.currency} />
                </td>
              </tr>
            </tbody>
          </table>
        </section>
      ))}
      <section aria-labelledby="dso-h">
        <h2 id="dso-h">{t('ageing.dso')}</h2>
        <p class="hint">{t('ageing.dsoNote', { days: r.dso.periodDays })}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('ageing.currency')}</th>
              <th scope="col">{t('ageing.receivables')}</th>
              <th scope="col">{t('ageing.creditSales')}</th>
              <th scope="col">{t('ageing.days')}</th>
            </tr>
          </thead>
          <tbody>
            {r.dso.currencies.map((c) => (
              <tr key={c.currency}>
                <th scope="row">{c.currency}</th>
                <td>
                  <Money minor={c.receivables} currency={c.currency} />
                </td>
                <td>
                  <Money minor={c.creditSales} currency={c.currency} />
                </td>
                <td>{number(locale, c.days, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {r.dso.trend.some((p) => p.currencies.length > 0) && <DsoTrend trend={r.dso.trend} />}
      <section aria-labelledby="rec-h">
        <h2 id="rec-h">{t('ageing.recovery')}</h2>
        <p>
          {t('ageing.recoveryNote', { recovered: rec.recovered, invoices: rec.invoices, from: dayText(locale, rec.cohort.from), to: dayText(locale, rec.cohort.to), reference: percent(locale, rec.reference) })}
        </p>
        <BarChart
          categories={[t('ageing.share'), t('ageing.reference')]}
          series={[{ label: t('ageing.recoveryChart'), values: [rec.share ?? 0, rec.reference], color: '#2e7d32' }]}
          label={t('ageing.recoveryChartLabel', { share: percent(locale, rec.share), reference: percent(locale, rec.reference) })}
          format={(v) => percent(locale, v)}
          max={1}
          height={180}
        />
      </section>
      <section aria-labelledby="out-h">
        <h2 id="out-h">{t('ageing.outcomes')}</h2>
        <p class="hint">{t('ageing.outcomesNote', { from: dayText(locale, r.outcomes.window.from), to: dayText(locale, r.outcomes.window.to) })}</p>
        {r.outcomes.byPolicyStage.length === 0 ? (
          <p>{t('common.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('ageing.policy')}</th>
                <th scope="col">{t('ageing.stage')}</th>
                <th scope="col">{t('ageing.paidCount')}</th>
                <th scope="col">{t('ageing.medianDays')}</th>
              </tr>
            </thead>
            <tbody>
              {r.outcomes.byPolicyStage.map((o) => (
                <tr key={`${o.policy}-${o.stage}`}>
                  <td>{o.policy}</td>
                  <td>{tx('stage', o.stage)}</td>
                  <td>{o.paid}</td>
                  <td>{number(locale, o.medianDays, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="cust-h">
        <h2 id="cust-h">{t('ageing.customers')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('common.customer')}</th>
              {BUCKETS.map((b) => (
                <th scope="col" key={b}>
                  {tx('bucket', b)}
                </th>
              ))}
              <th scope="col">{t('common.total')}</th>
            </tr>
          </thead>
          <tbody>
            {r.customers.map((c) => (
              <tr key={`${c.customerId}-${c.currency}`}>
                <th scope="row">
                  <a href={href('customers', c.customerId)}>{c.name}</a> {c.onHold && <span class="warning">({t('ageing.onHold')})</span>}
                </th>
                {BUCKETS.map((b) => (
                  <td key={b}>{c.buckets[b] ? money(locale, c.buckets[b], c.currency) : ''}</td>
                ))}
                <td>
                  <Money minor={c.total} currency={c.currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
};

export const AgeingPage = () => {
  const s = useSession();
  const { t } = useI18n();
  const report = useResource(() => ageingReport(s.api), []);
  return (
    <Page title={t('ageing.title')}>
      <Async resource={report}>{(r) => <Report r={r} />}</Async>
    </Page>
  );
};

/** "3 Mar": the chart's axis labels. */
const shortDay = (locale: string, iso: string): string => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${iso}T12:00:00Z`));

const TREND_COLORS = ['#0b5cad', '#b35c00', '#2e7d32', '#7b1fa2', '#5f6b7a'];

/** DSO at each of the last week ends, per currency: a line chart and its table. */
const DsoTrend = ({ trend }: { trend: AgeingReport['dso']['trend'] }) => {
  const { t, locale } = useI18n();
  const currencies = [...new Set(trend.flatMap((p) => p.currencies.map((c) => c.currency)))].sort();
  const daysOf = (p: AgeingReport['dso']['trend'][number], currency: string) => p.currencies.find((c) => c.currency === currency)?.days ?? null;
  const last = trend.at(-1);
  return (
    <section aria-labelledby="dso-trend-h">
      <h2 id="dso-trend-h">{t('ageing.dsoTrend')}</h2>
      <p class="hint">{t('ageing.dsoTrendNote', { weeks: trend.length })}</p>
      <LineChart
        categories={trend.map((p) => shortDay(locale, p.date))}
        series={currencies.map((c, i) => ({ label: c, values: trend.map((p) => daysOf(p, c)), color: TREND_COLORS[i % TREND_COLORS.length]! }))}
        label={t('ageing.dsoTrendLabel', { currencies: currencies.map((c) => `${c} ${number(locale, last ? daysOf(last, c) : null, 1)}`).join(', ') })}
        format={(v) => number(locale, v, 0)}
      />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('ageing.weekEnd')}</th>
            {currencies.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {trend.map((p) => (
            <tr key={p.date}>
              <th scope="row">{dayText(locale, p.date)}</th>
              {currencies.map((c) => (
                <td key={c}>{number(locale, daysOf(p, c), 1)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};

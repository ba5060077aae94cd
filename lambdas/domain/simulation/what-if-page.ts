/**
 * The what-if comparison as one self-contained HTML page in the finance team's language
 * (what-if-words.ts): inline SVG charts (messages per month by channel, recovery within 30/60/90
 * days, days to the credit hold and the hand-off), the figures side by side, and the response model
 * with what was fitted and what is a default. No script, no external style sheet or font; every
 * text from the data is escaped. Pure.
 */
import type { Language } from '../model.js';
import { reportStrings } from '../reports/report-strings.js';
import { escapeHtml } from '../shared/html.js';
import type { PolicyResult, WhatIfResult } from './compare.js';
import { MIN_FIT_INVOICES } from './response-model.js';
import { whatIfWords, type WhatIfWords } from './what-if-words.js';

const COLORS = ['#1f5fa8', '#a4410e'] as const;
const CHANNEL_SHADES: Record<'email' | 'sms' | 'call', readonly [string, string]> = {
  email: ['#1f5fa8', '#a4410e'],
  sms: ['#6b9bd6', '#e08a5a'],
  call: ['#0b2f57', '#5a2206'],
};
const INK = '#1f2933';
const MUTED = '#52606d';

const e = escapeHtml;

/** Numbers, percentages and amounts in the page's locale. */
const formats = (locale: string) => {
  const fixed = (n: number, digits = 1) => n.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return {
    fixed,
    pct: (share: number) => new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share),
    nullable: (n: number | null, suffix = '') => (n === null ? '–' : `${fixed(n, n % 1 === 0 ? 0 : 1)}${suffix}`),
    money: (minor: number, currency: string): string => {
      const f = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
      return f.format(minor / 10 ** digits);
    },
  };
};
type Formats = ReturnType<typeof formats>;

const label = (p: PolicyResult) => `${p.policy.name ?? p.policy.id} (${p.policy.id}${p.policy.source === 'company' ? ` v${p.policy.version}` : ''})`;

interface Bar {
  group: string;
  /** One value per series; stacked within a series when several parts. */
  series: { name: string; parts: { name: string; value: number; color: string }[] }[];
}

/** A grouped (and, within a group's series, stacked) bar chart with its title, axis and legend. */
const barChart = (id: string, title: string, bars: readonly Bar[], opts: { unit: (n: number) => string; legend: { name: string; color: string }[] }): string => {
  const width = 720;
  const perRow = 3;
  const legendRows = Math.ceil(opts.legend.length / perRow);
  const height = 244 + 16 * legendRows;
  const left = 56;
  const bottom = 24 + 16 * legendRows;
  const top = 16;
  const plotH = height - top - bottom;
  const max = Math.max(1e-9, ...bars.flatMap((b) => b.series.map((s) => s.parts.reduce((a, p) => a + p.value, 0))));
  const groupW = (width - left - 8) / Math.max(1, bars.length);
  const seriesN = Math.max(1, ...bars.map((b) => b.series.length));
  const barW = Math.min(48, (groupW * 0.8) / seriesN);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ticks = [0, 0.5, 1].map((f) => f * max);
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d9e2ec"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="${MUTED}">${e(opts.unit(t))}</text>`);
  }
  bars.forEach((b, gi) => {
    const gx = left + gi * groupW + (groupW - barW * b.series.length) / 2;
    b.series.forEach((s, si) => {
      let acc = 0;
      for (const p of s.parts) {
        if (p.value <= 0) continue;
        const y0 = y(acc + p.value);
        const h = y(acc) - y0;
        parts.push(`<rect x="${(gx + si * barW).toFixed(1)}" y="${y0.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${p.color}"><title>${e(`${b.group}, ${s.name}, ${p.name}: ${opts.unit(p.value)}`)}</title></rect>`);
        acc += p.value;
      }
    });
    parts.push(`<text x="${(left + gi * groupW + groupW / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="12" fill="${INK}">${e(b.group)}</text>`);
  });
  const legend = opts.legend
    .map((l, i) => `<g transform="translate(${left + (i % perRow) * 165},${height - 4 - 16 * (legendRows - 1 - Math.floor(i / perRow))})"><rect width="12" height="12" y="-10" fill="${l.color}"/><text x="16" font-size="11" fill="${INK}">${e(l.name)}</text></g>`)
    .join('');
  return `<figure><svg id="${id}" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="${id}-title">${e(title)}</title>${parts.join('')}${legend}</svg><figcaption>${e(title)}</figcaption></figure>`;
};

const table = (caption: string, head: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<table><caption>${e(caption)}</caption><thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${e(c)}</th>` : `<td class="num">${e(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;

const monthsOf = (r: WhatIfResult) => [...new Set(r.policies.flatMap((p) => p.byMonth.map((m) => m.month)))].sort();

const messagesChart = (r: WhatIfResult, w: WhatIfWords, f: Formats): string => {
  const bars: Bar[] = monthsOf(r).map((month) => ({
    group: month,
    series: r.policies.map((p, i) => {
      const m = p.byMonth.find((x) => x.month === month);
      return {
        name: label(p),
        parts: (['email', 'sms', 'call'] as const).map((ch) => ({ name: w.channel[ch], value: m?.[ch] ?? 0, color: CHANNEL_SHADES[ch][i]! })),
      };
    }),
  }));
  const legend = r.policies.flatMap((p, i) => (['email', 'sms', 'call'] as const).map((ch) => ({ name: `${p.policy.id}: ${w.channel[ch]}`, color: CHANNEL_SHADES[ch][i]! })));
  return barChart('chart-messages', w.messagesChart, bars, { unit: (n) => f.fixed(n, 0), legend });
};

const recoveryChart = (r: WhatIfResult, currency: string, w: WhatIfWords, f: Formats): string => {
  const bars: Bar[] = r.assumptions.horizons.map((h) => ({
    group: w.days(h),
    series: r.policies.map((p, i) => ({ name: label(p), parts: [{ name: w.recovered, value: p.recovery.find((c) => c.currency === currency)?.within.find((x) => x.days === h)?.share ?? 0, color: COLORS[i]! }] })),
  }));
  return barChart(`chart-recovery-${currency.toLowerCase()}`, w.recoveryChart(currency), bars, {
    unit: f.pct,
    legend: r.policies.map((p, i) => ({ name: p.policy.id, color: COLORS[i]! })),
  });
};

const milestoneChart = (r: WhatIfResult, w: WhatIfWords, f: Formats): string => {
  const bars: Bar[] = [
    { group: w.creditHold, series: r.policies.map((p, i) => ({ name: label(p), parts: [{ name: w.medianDaysLate, value: p.creditHold.medianDaysLate ?? 0, color: COLORS[i]! }] })) },
    { group: w.handOff, series: r.policies.map((p, i) => ({ name: label(p), parts: [{ name: w.medianDaysLate, value: p.handOff.medianDaysLate ?? 0, color: COLORS[i]! }] })) },
  ];
  return barChart('chart-milestones', w.milestoneChart, bars, {
    unit: (n) => w.daysShort(f.fixed(n, 0)),
    legend: r.policies.map((p, i) => ({ name: p.policy.id, color: COLORS[i]! })),
  });
};

const scopeText = (r: WhatIfResult, w: WhatIfWords) => (r.scope.kind === 'open' ? w.scopeOpen(r.scope.asOf) : w.scopePeriod(r.scope.from, r.scope.to));

/** The page in the finance team's `language` (English by default). */
export const whatIfPage = (r: WhatIfResult, company: string, language: Language | string = 'en'): string => {
  const w = whatIfWords(language);
  const f = formats(w.locale);
  const { fixed, pct, nullable, money } = f;
  const stages = reportStrings(language as Language).stages as Record<string, string>;
  const [a, b] = r.policies;
  const both = (f: (p: PolicyResult) => string) => [f(a), f(b)];
  const currencies = [...new Set(r.policies.flatMap((p) => p.recovery.map((c) => c.currency)))].sort();
  const R = w.rows;
  const summary: string[][] = [
    [R.invoices, ...both((p) => String(p.invoices))],
    [R.leftOut, ...both((p) => String(p.notSimulated))],
    [R.emails, ...both((p) => fixed(p.messages.email))],
    [R.sms, ...both((p) => fixed(p.messages.sms))],
    [R.calls, ...both((p) => fixed(p.messages.call))],
    [R.overLimit(r.assumptions.contactLimit), ...both((p) => String(p.overLimit.customers))],
    [R.smsCost(money(r.assumptions.smsPrice.minor, r.assumptions.smsPrice.currency)), ...both((p) => money(p.sms.costMinor, p.sms.currency))],
    [R.holdDays, ...both((p) => nullable(p.creditHold.medianDaysLate))],
    [R.holdReaching, ...both((p) => R.ofPlanned(fixed(p.creditHold.expectedReaching), p.creditHold.planned))],
    [R.handOffDays, ...both((p) => nullable(p.handOff.medianDaysLate))],
    [R.handOffReaching, ...both((p) => R.ofPlanned(fixed(p.handOff.expectedReaching), p.handOff.planned))],
    ...currencies.flatMap((cur) => [
      ...r.assumptions.horizons.map((h) => [
        R.recoveredWithin(h, cur),
        ...both((p) => {
          const within = p.recovery.find((c) => c.currency === cur)?.within.find((x) => x.days === h);
          return within ? `${money(within.amount, cur)} (${pct(within.share)})` : '–';
        }),
      ]),
      [R.dso(cur), ...both((p) => nullable(p.recovery.find((c) => c.currency === cur)?.dsoDays ?? null))],
    ]),
  ];
  const months = monthsOf(r);
  const perCustomer = months.map((m) => [
    m,
    ...r.policies.flatMap((p) => {
      const x = p.byMonth.find((y) => y.month === m);
      return x ? [fixed(x.perCustomer.email, 2), fixed(x.perCustomer.sms, 2), fixed(x.perCustomer.call, 2)] : ['–', '–', '–'];
    }),
  ]);
  const model = r.model.map((s) => [stages[s.stage] ?? s.stage, pct(s.payProbability), w.daysShort(s.delayDays), w.note(s.source, s.reached, MIN_FIT_INVOICES)]);
  const defaults = r.usesDefaults ? `<p class="warn" role="note">${e(w.defaults)}</p>` : '';

  return [
    '<!DOCTYPE html>',
    `<html lang="${e(w.locale.slice(0, 2))}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${e(w.title(a.policy.id, b.policy.id, company))}</title>`,
    `<style>body{font-family:system-ui,sans-serif;color:${INK};margin:24px;max-width:960px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;margin:12px 0;width:100%}caption{text-align:left;font-weight:600;padding:4px 0}th,td{border-bottom:1px solid #d9e2ec;padding:4px 8px;text-align:left}.num{text-align:right}figure{margin:12px 0}figcaption{color:${MUTED};font-size:13px}.warn{background:#fff4e5;border-left:4px solid #a4410e;padding:8px 12px}.muted{color:${MUTED}}svg{max-width:100%;height:auto}</style>`,
    '</head><body><main>',
    `<h1>${e(w.heading(company, label(a), label(b)))}</h1>`,
    `<p>${e(w.intro(scopeText(r, w), r.generatedAt))}</p>`,
    defaults,
    `<h2>${e(w.sideBySide)}</h2>`,
    table(w.sideBySideCaption, [w.figure, label(a), label(b)], summary),
    `<h2>${e(w.charts)}</h2>`,
    messagesChart(r, w, f),
    ...currencies.map((c) => recoveryChart(r, c, w, f)),
    milestoneChart(r, w, f),
    `<h2>${e(w.perCustomer)}</h2>`,
    table(w.perCustomerCaption, [w.month, ...r.policies.flatMap((p) => (['email', 'sms', 'call'] as const).map((ch) => `${p.policy.id} ${w.channel[ch]}`))], perCustomer),
    `<h2>${e(w.model)}</h2>`,
    table(w.modelCaption, [w.stage, w.paysAfter, w.delay, w.source], model),
    `<p class="muted">${e(w.limits)}</p>`,
    '</main></body></html>',
  ].join('\n');
};

/**
 * The reminder path at volume, at SES's sending rate: BENCH_THROUGHPUT_INVOICES invoices (default
 * 5,000), one per customer, whose pre-due reminder falls on the same 09:00, on the local stack with
 * SES local behind a proxy enforcing 14 messages per second (bench/reminder-morning.ts). The morning
 * with the planner's spread is printed beside the same morning without it (every reminder at the
 * opening), both measured in this run, each in its own process; then the DynamoDB requests of one
 * single-invoice reminder, counted by the fault proxy in front of DynamoDB Local.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { MorningResult } from './reminder-morning.js';

const N = Number(process.env.BENCH_THROUGHPUT_INVOICES ?? 5_000);
const here = import.meta.dirname;
const tsx = resolve(here, '../node_modules/tsx/dist/cli.mjs');

/** One morning in its own process, following the sends deferred for the rate to their fresh slots. */
const run = (shape: 'spread' | 'flat', n: number): MorningResult => {
  const out = execFileSync(process.execPath, [tsx, join(here, 'reminder-morning.ts'), '--morning', shape, String(n), 'follow'], { env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = out.split('\n').find((l) => l.startsWith('MORNING '));
  if (!line) throw new Error(`the ${shape} morning printed no result`);
  return JSON.parse(line.slice('MORNING '.length)) as MorningResult;
};

const describeMorning = (label: string, r: MorningResult): string[] => [
  `${label}: ${r.delivered}/${r.invoices} delivered (${r.deliveredAfterRateDeferral} of them at a later slot after SES refused them for the rate through the last retry), ${r.deferred} deferred with a reason and still waiting when the bench stopped${r.deferred ? ` (${Object.entries(r.deferReasons).map(([k, v]) => `${v}× ${k}`).join('; ')})` : ''}, ${r.failed} failed after the retries${r.failed ? ` (${Object.entries(r.failReasons).map(([k, v]) => `${v}× ${k}`).join('; ')})` : ''}, ${r.lost} lost, ${r.twice} sent twice (inbox duplicates ${r.inboxDuplicates})`,
  `${label}: last e-mail ${r.lastSendAfterS} s after 09:00; SES refused ${r.throttled} calls for the rate, busiest second ${r.busiestSecond}/14; ${r.dynamoRequests.toLocaleString('en')} DynamoDB requests = ${(r.dynamoRequests / Math.max(1, r.invoices)).toFixed(1)} per reminder; ${r.wallSeconds.toFixed(0)} s`,
];

export const benchThroughput = async (): Promise<string[]> => {
  const spread = run('spread', N);
  const flat = run('flat', N);
  const one = run('flat', 1);
  return [
    `scale: ${N.toLocaleString('en')} reminders at one 09:00 (BENCH_THROUGHPUT_INVOICES), SES local at 14 messages/s, the clock at real pace from 09:00`,
    ...describeMorning('spread at the SES rate', spread),
    ...describeMorning('baseline, all at 09:00 ', flat),
    `one single-invoice reminder (no companions): ${one.dynamoRequests} DynamoDB requests (${Object.entries(one.dynamoByOp).map(([k, v]) => `${v} ${k}`).join(', ')}); 16 at 58a3453, 13 at 46425c3 (before the marks; test/faults/reminder-request-count.test.ts)`,
  ];
};

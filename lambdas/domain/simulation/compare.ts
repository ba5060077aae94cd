/**
 * What-if before switching: the same portfolio replayed under two playbooks, planned once per
 * invoice per policy, and their figures side by side, with the response model that priced them
 * (which stages were fitted from the company's history, which kept the default). Deterministic:
 * expected values, no sampling. Pure.
 */
import type { Policy } from '../model.js';
import type { StageBefore } from '../reports/activity.js';
import { STAGE_IDS } from '../timeline/stages.js';
import { policyFigures, RECOVERY_HORIZONS, type MetricOptions, type PolicyFigures } from './metrics.js';
import type { ResponseModel, StageResponse } from './response-model.js';
import { memoPlanner } from './plan-memo.js';
import { simulateInvoice, type InvoiceRun, type SimCase, type SimSettings } from './simulate.js';

export interface NamedPolicy {
  policy: Policy;
  /** Where it came from: a preset, a stored company policy, or one sent with the request. */
  source: 'built-in' | 'company' | 'inline';
}

export type WhatIfScope = { kind: 'open'; asOf: string } | { kind: 'period'; from: string; to: string };

export interface PolicyResult extends PolicyFigures {
  policy: { id: string; name?: string; version: number; source: NamedPolicy['source'] };
  /** Invoices the replay leaves out: nothing to send under this policy now (a promise, a dispute, a pause). */
  notSimulated: number;
  /** The model's stages this policy's plans use, and whether each was fitted. */
  stagesUsed: { stage: StageBefore; source: StageResponse['source']; note: string }[];
}

export interface WhatIfResult {
  scope: WhatIfScope;
  generatedAt: string;
  assumptions: MetricOptions & { horizons: number[]; expectedValues: true };
  model: StageResponse[];
  /** True when a stage some plan uses kept the default: the history was too thin there. */
  usesDefaults: boolean;
  policies: [PolicyResult, PolicyResult];
}

export interface WhatIfInput {
  scope: WhatIfScope;
  cases: readonly SimCase[];
  policies: readonly [NamedPolicy, NamedPolicy];
  model: ResponseModel;
  options: MetricOptions;
  now: Date;
  /** The deployment's send spread: the replay plans each invoice as PlanTimeline would. */
  settings?: SimSettings;
}

const runAll = (cases: readonly SimCase[], policy: Policy, model: ResponseModel, settings: SimSettings = {}): { runs: InvoiceRun[]; skipped: number } => {
  const runs: InvoiceRun[] = [];
  let skipped = 0;
  const plan = memoPlanner(policy);
  for (const c of cases) {
    const run = simulateInvoice(c, policy, model, plan, settings);
    if (run) runs.push(run);
    else skipped++;
  }
  return { runs, skipped };
};

const stagesUsed = (runs: readonly InvoiceRun[], model: ResponseModel): PolicyResult['stagesUsed'] => {
  const used = new Set<StageBefore>();
  for (const r of runs) {
    for (const c of r.contacts) used.add(c.stage);
    if (r.payments.some((p) => p.afterStage === 'none')) used.add('none');
  }
  return (['none', ...STAGE_IDS] as const).filter((s) => used.has(s)).map((s) => ({ stage: s, source: model[s].source, note: model[s].note }));
};

export const whatIf = (input: WhatIfInput): WhatIfResult => {
  const results = input.policies.map((named): PolicyResult => {
    const { runs, skipped } = runAll(input.cases, named.policy, input.model, input.settings);
    const p = named.policy;
    return {
      policy: { id: p.id, ...(p.name ? { name: p.name } : {}), version: p.version, source: named.source },
      notSimulated: skipped,
      stagesUsed: stagesUsed(runs, input.model),
      ...policyFigures(runs, input.options),
    };
  }) as [PolicyResult, PolicyResult];
  return {
    scope: input.scope,
    generatedAt: input.now.toISOString(),
    assumptions: { ...input.options, horizons: [...RECOVERY_HORIZONS], expectedValues: true },
    model: (['none', ...STAGE_IDS] as const).map((s) => input.model[s]),
    usesDefaults: results.some((r) => r.stagesUsed.some((s) => s.source === 'default')),
    policies: results,
  };
};

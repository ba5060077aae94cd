/**
 * A company's policies: saving one (a new policy, or a new version of one), reading them beside
 * the read-only presets, and the re-planning a change sets off. A saved version is never changed;
 * open invoices planned with an older version start a new run, planned from their next stage
 * (the planner never replays what was sent and sends the latest reminder already due now).
 */
import { isDeepStrictEqual } from 'node:util';
import type { PolicyRef, Tenant } from '../../domain/model.js';
import { asCompanyPolicy, validateCompanyPolicy, type CompanyPolicy, type PolicyProblem } from '../../domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES, isBuiltInPolicy } from '../../domain/timeline/policies.js';
import { POLICY_IDS } from '../../domain/model.js';
import { PolicyConflictError, type PolicyRepository, type StoredPolicy, type TimelineRestarts } from '../ports/policies.js';

export interface PolicyDeps {
  policies: PolicyRepository;
  restarts: TimelineRestarts;
}

export type SaveMode =
  /** POST /v1/policies: the id must be new. */
  | 'create'
  /** POST /v1/policies/{id}/versions: the policy must exist. */
  | 'version'
  /** config/policies.json: new, changed or unchanged alike. */
  | 'upsert';

export type SaveOutcome =
  | { kind: 'saved'; stored: StoredPolicy; restarted: number }
  | { kind: 'unchanged'; stored: StoredPolicy; restarted: number }
  | { kind: 'refused'; problems: PolicyProblem[] }
  | { kind: 'conflict'; message: string }
  | { kind: 'notFound' };

/** The presets and the company's own, as the API lists them. */
export interface PolicySummary {
  id: string;
  name: string;
  version: number;
  readOnly: boolean;
  savedAt?: string;
}

const PRESET_NAMES: Record<(typeof POLICY_IDS)[number], string> = {
  relationship: 'Relationship (key accounts)',
  standard: 'Standard',
  firm: 'Firm (chronic late payers)',
};

export const presetOf = (id: (typeof POLICY_IDS)[number]): CompanyPolicy => asCompanyPolicy(BUILT_IN_POLICIES[id], id, PRESET_NAMES[id]);

/** Whether a policy id names a preset or one of the company's policies. */
export const policyExists = async (deps: Pick<PolicyDeps, 'policies'>, tenantId: string, ref: PolicyRef): Promise<boolean> =>
  isBuiltInPolicy(ref) || (await deps.policies.latest(tenantId, ref)) !== undefined;

const namedByTenant = (tenant: Tenant, id: string): boolean => tenant.defaultPolicy === id || Object.values(tenant.segmentPolicies).includes(id);

/** Open invoices that should now follow `stored`: those planned with an older version, or all of the company's when its default or a segment names a new policy. */
const restartFor = async (deps: PolicyDeps, tenant: Tenant, stored: StoredPolicy): Promise<number> => {
  const byVersion = await deps.restarts.restartOpen(tenant.tenantId, { policyId: stored.id, belowVersion: stored.version });
  if (stored.version === 1 && namedByTenant(tenant, stored.id)) return byVersion + (await deps.restarts.restartOpen(tenant.tenantId, { tenantWide: true }));
  return byVersion;
};

export const savePolicy = async (deps: PolicyDeps, tenant: Tenant, input: unknown, mode: SaveMode, now: Date): Promise<SaveOutcome> => {
  const checked = validateCompanyPolicy(input);
  if (!checked.ok) return { kind: 'refused', problems: checked.problems };
  const body = checked.policy;
  const latest = await deps.policies.latest(tenant.tenantId, body.id);
  if (mode === 'create' && latest) return { kind: 'conflict', message: `policy ${body.id} exists already (version ${latest.version}): add a version instead` };
  if (mode === 'version' && !latest) return { kind: 'notFound' };
  // The same policy again (a file uploaded twice, a retried request) is no new version; its
  // re-planning is still done, so a retry after a failed one completes it.
  if (latest && isDeepStrictEqual(latest.body, body)) return { kind: 'unchanged', stored: latest, restarted: await restartFor(deps, tenant, latest) };
  try {
    const stored = await deps.policies.save(tenant.tenantId, body, latest?.version ?? 0, now.toISOString());
    return { kind: 'saved', stored, restarted: await restartFor(deps, tenant, stored) };
  } catch (err) {
    if (err instanceof PolicyConflictError) return { kind: 'conflict', message: err.message };
    throw err;
  }
};

export const listPolicies = async (deps: Pick<PolicyDeps, 'policies'>, tenantId: string): Promise<PolicySummary[]> => {
  const own = await deps.policies.list(tenantId);
  return [
    ...POLICY_IDS.map((id) => ({ id, name: PRESET_NAMES[id], version: 1, readOnly: true })),
    ...own.map((p) => ({ id: p.id, name: p.body.name, version: p.version, readOnly: false, savedAt: p.savedAt })),
  ];
};

/** One policy as the company writes it (a preset, read-only, or a stored version: the latest by default). */
export const readPolicy = async (
  deps: Pick<PolicyDeps, 'policies'>,
  tenantId: string,
  id: string,
  version?: number,
): Promise<{ body: CompanyPolicy; version: number; readOnly: boolean; savedAt?: string } | undefined> => {
  if (isBuiltInPolicy(id)) return version === undefined || version === 1 ? { body: presetOf(id), version: 1, readOnly: true } : undefined;
  const stored = version === undefined ? await deps.policies.latest(tenantId, id) : await deps.policies.version(tenantId, id, version);
  return stored ? { body: stored.body, version: stored.version, readOnly: false, savedAt: stored.savedAt } : undefined;
};

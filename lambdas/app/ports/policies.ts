import type { CompanyPolicy } from '../../domain/timeline/company-policy.js';

/** One stored version of a company policy: versions are never changed once written. */
export interface StoredPolicy {
  id: string;
  version: number;
  body: CompanyPolicy;
  savedAt: string;
}

/** Another writer saved a version first (or the policy exists / does not exist as the caller assumed). */
export class PolicyConflictError extends Error {
  override readonly name = 'Sollecito.PolicyConflict';
}

export interface PolicyRepository {
  /** The latest version of each of the company's policies. */
  list(tenantId: string): Promise<StoredPolicy[]>;
  latest(tenantId: string, policyId: string): Promise<StoredPolicy | undefined>;
  version(tenantId: string, policyId: string, version: number): Promise<StoredPolicy | undefined>;
  /**
   * Writes `body` as version `after + 1` (1 for a new policy: after = 0), together with the
   * policy's head; PolicyConflictError when the latest version is not `after`.
   */
  save(tenantId: string, body: CompanyPolicy, after: number, savedAt: string): Promise<StoredPolicy>;
}

/** Which open invoices start their timeline again (a new run, re-planned from the next stage). */
export type RestartScope = { policyId: string; belowVersion: number } | { customerId: string } | { tenantWide: true };

export interface TimelineRestarts {
  /** Raises `run` on every open, reachable invoice in scope; the stream starts each new run. How many. */
  restartOpen(tenantId: string, scope: RestartScope): Promise<number>;
}

/** /v1/policies: the company's own chase policies, versioned, beside the read-only presets; a preview on a sample invoice. */
import { listPolicies, readPolicy, savePolicy, type SaveOutcome } from '../../app/policies/manage-policies.js';
import { NotFoundError } from '../../app/ports/commands.js';
import { compilePolicy, validateCompanyPolicy } from '../../domain/timeline/company-policy.js';
import { previewPolicy } from '../../domain/timeline/policy-preview.js';
import { BUILT_IN_POLICIES, isBuiltInPolicy } from '../../domain/timeline/policies.js';
import type { Policy } from '../../domain/model.js';
import { localDay } from '../../domain/shared/days.js';
import { ApiError } from '../errors.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import {
  CompanyPolicyBody,
  PolicyList,
  PolicyPreviewRequest,
  PolicyPreviewResult,
  PolicyResource,
  PolicySaved,
  PolicyVersionQuery,
  policyIdParam,
} from '../policy-schemas.js';

const refused = (problems: readonly { path: string; message: string }[]): ApiError =>
  new ApiError(422, 'policy_refused', `The policy has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved and nothing running changed.`, problems.map((p) => ({ field: p.path, message: p.message })));

const answer = (out: SaveOutcome, id: string) => {
  switch (out.kind) {
    case 'refused':
      throw refused(out.problems);
    case 'conflict':
      throw new ApiError(409, 'policy_conflict', out.message);
    case 'notFound':
      throw new NotFoundError('policy', id);
    default:
      return { policy: out.stored.body, version: out.stored.version, created: out.kind === 'saved', replanned: out.restarted };
  }
};

const policyDeps = (c: RouteContext<unknown, unknown>) => ({ policies: c.deps.policies, restarts: c.deps.restarts });

export const policyRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/policies',
    operationId: 'listPolicies',
    summary: 'The presets and the company policies',
    description: 'The read-only presets and the company\'s own policies (latest version each), with the company default and the policy of each customer segment.',
    tag: 'policies',
    access: 'read',
    response: { status: 200, schema: PolicyList, description: 'Every policy a customer, a segment or the company default may name.' },
    handle: async (c) => ({
      policies: await listPolicies(c.deps, c.tenant.tenantId),
      defaultPolicy: c.tenant.defaultPolicy,
      segmentPolicies: c.tenant.segmentPolicies,
    }),
  }),
  route({
    method: 'GET',
    path: '/v1/policies/{policyId}',
    params: policyIdParam,
    query: PolicyVersionQuery,
    operationId: 'getPolicy',
    summary: 'One policy, at its latest version or at `version`',
    description: 'A preset comes written the way a company writes its own: copy it under a new id to start from it.',
    tag: 'policies',
    access: 'read',
    response: { status: 200, schema: PolicyResource, description: 'The policy.' },
    errors: [404],
    handle: async (c) => {
      const found = await readPolicy(c.deps, c.tenant.tenantId, c.params.policyId!, c.query.version);
      if (!found) throw new NotFoundError('policy', c.query.version ? `${c.params.policyId} version ${c.query.version}` : c.params.policyId!);
      return { policy: found.body, version: found.version, readOnly: found.readOnly, ...(found.savedAt ? { savedAt: found.savedAt } : {}) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/policies',
    operationId: 'createPolicy',
    summary: 'Create a company policy (version 1)',
    description: '409 when the id exists (add a version instead); 422 with every problem when the timeline rules refuse it.',
    tag: 'policies',
    access: 'write',
    body: CompanyPolicyBody,
    response: { status: 201, schema: PolicySaved, description: 'Version 1, saved.' },
    errors: [409, 422],
    handle: async (c) => answer(await savePolicy(policyDeps(c), c.tenant, c.body, 'create', c.now), c.body.id),
  }),
  route({
    method: 'POST',
    path: '/v1/policies/{policyId}/versions',
    params: policyIdParam,
    operationId: 'addPolicyVersion',
    summary: 'Save a new version of a company policy',
    description:
      'Versions are kept: an invoice records the version it was planned with. Every open invoice planned with an older version is re-planned from its next stage (nothing already sent is sent again; a reminder already due under the new version goes now). The same policy as the latest version writes nothing (`created: false`). 409 when another version was saved meanwhile.',
    tag: 'policies',
    access: 'write',
    body: CompanyPolicyBody,
    response: { status: 200, schema: PolicySaved, description: 'The version written (or the latest, unchanged).' },
    errors: [404, 409, 422],
    handle: async (c) => {
      const id = c.params.policyId!;
      if (c.body.id !== id) throw new ApiError(422, 'policy_id_mismatch', `The body names policy ${c.body.id}, the path ${id}.`, [{ field: 'id', message: `must be ${id}` }]);
      return answer(await savePolicy(policyDeps(c), c.tenant, c.body, 'version', c.now), id);
    },
  }),
  route({
    method: 'POST',
    path: '/v1/policies/preview',
    operationId: 'previewPolicy',
    summary: 'What a policy would do to a sample invoice',
    description: 'Plans a sample invoice with the real planner and the business calendar of the company: each stage that acts, when and by which channels. Nothing is saved.',
    tag: 'policies',
    access: 'read',
    body: PolicyPreviewRequest,
    response: { status: 200, schema: PolicyPreviewResult, description: 'The sample invoice and its stages.' },
    errors: [404, 422],
    handle: async (c) => {
      const { policy: inline, policyId, sample } = c.body;
      if ((inline === undefined) === (policyId === undefined)) {
        throw new ApiError(422, 'policy_or_id', 'Send either `policy` (a policy to try) or `policyId` (a saved one or a preset).', [{ field: 'policy', message: 'one of policy and policyId' }]);
      }
      let policy: Policy;
      if (policyId !== undefined) {
        const found = await readPolicy(c.deps, c.tenant.tenantId, policyId);
        if (!found) throw new NotFoundError('policy', policyId);
        policy = isBuiltInPolicy(policyId) ? BUILT_IN_POLICIES[policyId] : compilePolicy(found.body, found.version);
      } else {
        const checked = validateCompanyPolicy(inline);
        if (!checked.ok) throw refused(checked.problems.map((p) => ({ ...p, path: `policy.${p.path}` })));
        policy = compilePolicy(checked.policy, 1);
      }
      const issueDate = sample.issueDate ?? localDay(c.now, c.tenant.timeZone);
      if (sample.dueDate && sample.dueDate < issueDate) throw new ApiError(422, 'due_before_issue', 'The sample is due before it is issued.', [{ field: 'sample.dueDate', message: 'must not be before issueDate' }]);
      return previewPolicy(policy, c.tenant, { issueDate, ...(sample.dueDate ? { dueDate: sample.dueDate } : {}), amountMinor: sample.amountMinor, currency: sample.currency }, c.deps.sendSpread);
    },
  }),
];

/**
 * The shapes of /v1/policies (a company's own chase policies, the presets beside them) for the
 * admin API and its OpenAPI document. The policy itself is domain/timeline/company-policy.ts's.
 */
import * as z from 'zod/mini';
import { Currency, IsoDate, IsoDateTime, MinorUnits, PolicyRef, StageId, StepId } from '../domain/model.js';
import { CompanyPolicy } from '../domain/timeline/company-policy.js';
import { requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const CompanyPolicyBody = CompanyPolicy.register(requestSchemas, {
  id: 'CompanyPolicy',
  description:
    "A company's own chase policy (docs/timeline.md, \"Policies as data\"). A stage not listed is off; `channels` default to email (call for phoneCall). Refused with every problem: 400 for the shape, 422 for the timeline rules (a hold first, no written reminder, two stages a day, a hold within minGapDays of the last reminder).",
});

export const policyIdParam = { policyId: PolicyRef } as const;

export const PolicyVersionQuery = lazySchema(() => z.strictObject({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) }));

const Summary = lazySchema(() => z.object({ id: z.string(), name: z.string(), version: z.int(), readOnly: z.boolean(), savedAt: z.optional(IsoDateTime) }));

export const PolicyList = lazySchema(() => z
  .object({
    policies: z.array(Summary),
    /** The company default and the policies of the customer segments (tenant.json). */
    defaultPolicy: z.string(),
    segmentPolicies: z.record(z.string(), z.string()),
  }))
  .register(responseSchemas, { id: 'PolicyList', description: 'The presets (read-only) and the company policies, latest versions.' });

export const PolicyResource = lazySchema(() => z
  .object({ policy: CompanyPolicy, version: z.int(), readOnly: z.boolean(), savedAt: z.optional(IsoDateTime) }))
  .register(responseSchemas, { id: 'PolicyResource', description: 'One policy as the company writes it, at one version.' });

export const PolicySaved = lazySchema(() => z
  .object({
    policy: CompanyPolicy,
    version: z.int(),
    /** False when the policy sent equals the latest version: nothing new was written. */
    created: z.boolean(),
    /** Open invoices started again to be re-planned from their next stage under this version. */
    replanned: z.int(),
  }))
  .register(responseSchemas, { id: 'PolicySaved', description: 'The version written and how many open invoices follow it from their next stage.' });

export const PolicyPreviewRequest = lazySchema(() => z
  .strictObject({
    /** A policy to try (not saved), or the id of a preset or a saved policy. */
    policy: z.optional(z.unknown()),
    policyId: z.optional(PolicyRef),
    sample: z._default(
      z.strictObject({ issueDate: z.optional(IsoDate), dueDate: z.optional(IsoDate), amountMinor: z._default(MinorUnits, 120_000), currency: z._default(Currency, 'EUR') }),
      { amountMinor: 120_000, currency: 'EUR' },
    ),
  }))
  .register(requestSchemas, { id: 'PolicyPreviewRequest', description: 'What a policy would do to one sample invoice, issued today (or on issueDate) and due 30 days later unless dueDate is given.' });

export const PolicyPreviewResult = lazySchema(() => z
  .object({
    invoice: z.object({ issueDate: IsoDate, dueDate: IsoDate, amountMinor: MinorUnits, currency: Currency }),
    stages: z.array(z.object({ stage: StepId, at: z.string(), day: IsoDate, daysFromDue: z.int(), channels: z.array(z.string()) })),
    notActing: z.array(StageId),
    reason: z.string(),
  }))
  .register(responseSchemas, { id: 'PolicyPreview', description: 'Each stage that acts on the sample invoice: local day and time, days from the due date, channels.' });

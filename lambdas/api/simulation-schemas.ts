/**
 * The shapes of POST /v1/simulations (what-if before switching, docs/what-if.md) for the admin
 * API and its OpenAPI document. The answer is domain/simulation/compare.ts's WhatIfResult.
 */
import * as z from 'zod/mini';
import { Currency, IsoDate, IsoDateTime, MinorUnits, PolicyRef, StageId } from '../domain/model.js';
import { DEFAULT_CONTACT_LIMIT, DEFAULT_SMS_PRICE } from '../domain/simulation/metrics.js';
import { requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const PolicyPick = lazySchema(() => z.union([
  z.strictObject({ id: PolicyRef }),
  /** A company policy written out (the shape of POST /v1/policies), tried without being saved. */
  z.strictObject({ policy: z.unknown() }),
]));

export const SimulationRequest = lazySchema(() => z
  .strictObject({
    policies: z.array(PolicyPick).check(z.length(2, 'two playbooks to compare')),
    period: z.optional(z.strictObject({ from: IsoDate, to: IsoDate })),
    contactLimit: z._default(z.int().check(z.minimum(1), z.maximum(31)), DEFAULT_CONTACT_LIMIT),
    smsPrice: z._default(z.strictObject({ minor: z.int().check(z.minimum(0), z.maximum(100_000)), currency: Currency }), { ...DEFAULT_SMS_PRICE }),
  }))
  .register(requestSchemas, {
    id: 'SimulationRequest',
    description:
      'Two playbooks, each `{ "id": "relationship" }` (a preset or a stored company policy, latest version) or `{ "policy": { … } }` (a company policy written out, checked like POST /v1/policies). Without `period` the open portfolio is replayed from now; with it, the invoices issued from `from` to `to` (at most 366 days, not after today) are replayed as open from their issue date. `contactLimit`: the N of "customers contacted more than N times in a month" (default 4). `smsPrice`: one SMS, minor units (default 8 EUR cents).',
  });

export const SimulationQuery = lazySchema(() => z.strictObject({
  /** json (default) or html; `Accept: text/html` asks for html too. */
  format: z.optional(z.enum(['json', 'html'])),
}));

const Channels = lazySchema(() => ({ email: z.number(), sms: z.number(), call: z.number() }));
const Milestone = lazySchema(() => z.object({ planned: z.int(), expectedReaching: z.number(), medianDaysLate: z.nullable(z.number()), medianDaysFromStart: z.nullable(z.number()) }));
const StageBefore = lazySchema(() => z.union([StageId, z.literal('none')]));
const Source = lazySchema(() => z.enum(['fitted', 'default']));

const PolicyResult = lazySchema(() => z.object({
  policy: z.object({ id: z.string(), name: z.optional(z.string()), version: z.int(), source: z.enum(['built-in', 'company', 'inline']) }),
  invoices: z.int(),
  notSimulated: z.int(),
  stagesUsed: z.array(z.object({ stage: StageBefore, source: Source, note: z.string() })),
  messages: z.object(Channels),
  byMonth: z.array(z.object({ month: z.string(), ...Channels, customers: z.int(), perCustomer: z.object(Channels) })),
  customers: z.array(z.object({ customerId: z.string(), months: z.array(z.object({ month: z.string(), ...Channels, contacts: z.number() })) })),
  overLimit: z.object({ limit: z.int(), customers: z.int(), customerMonths: z.int(), worst: z.array(z.object({ customerId: z.string(), month: z.string(), contacts: z.number() })) }),
  sms: z.object({ messages: z.number(), priceMinor: MinorUnits, currency: Currency, costMinor: MinorUnits }),
  creditHold: Milestone,
  handOff: Milestone,
  recovery: z.array(
    z.object({
      currency: Currency,
      chased: MinorUnits,
      within: z.array(z.object({ days: z.int(), amount: MinorUnits, share: z.number() })),
      dsoDays: z.number(),
    }),
  ),
}));

export const SimulationResult = lazySchema(() => z
  .object({
    scope: z.union([z.object({ kind: z.literal('open'), asOf: IsoDate }), z.object({ kind: z.literal('period'), from: IsoDate, to: IsoDate })]),
    generatedAt: IsoDateTime,
    assumptions: z.object({
      contactLimit: z.int(),
      smsPrice: z.object({ minor: MinorUnits, currency: Currency }),
      horizons: z.array(z.int()),
      expectedValues: z.literal(true),
    }),
    model: z.array(
      z.object({ stage: StageBefore, payProbability: z.number(), delayDays: z.number(), source: Source, reached: z.int(), paid: z.int(), note: z.string() }),
    ),
    usesDefaults: z.boolean(),
    policies: z.array(PolicyResult),
    warnings: z.array(z.string()),
  }))
  .register(responseSchemas, {
    id: 'SimulationResult',
    description:
      'The two playbooks side by side, expected values: messages per month by channel (one per customer-day), customers over the contact limit, SMS cost, days to the credit hold and the hand-off, recovery within 30/60/90 days and DSO; the response model with each stage fitted from n invoices or left at its default.',
  });

/**
 * DeliverMailbox (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/messaging/deliver-mailbox.ts --> domain/timeline/customer-day.ts,
 * domain/messages/notices.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import * as z from 'zod/mini';
import { deliverMailbox, type MailboxDeps } from '../app/messaging/deliver-mailbox.js';
import type { MailboxRun } from '../app/messaging/mailbox-runs.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { Attempt, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const Mailbox = lazySchema(() => z.union([
  z.object({ kind: z.literal('thankYou'), sendAt: z.string(), paymentAmount: z.optional(z.number()), paymentDate: z.string() }),
  z.object({ kind: z.literal('digest'), sendAt: z.string(), customerId: z.string(), audience: z.enum(['salesRep', 'finance', 'agency']), notice: z.string(), day: z.string(), customerName: z.string() }),
]));
const MailboxInput = lazySchema(() => z.object({
  tenantId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  revision: z.int().check(z.minimum(1)),
  run: z.int().check(z.minimum(0)),
  mailbox: Mailbox,
  ...Attempt,
})) satisfies z.ZodMiniType<MailboxRun>;

export const makeDeliverMailboxHandler = (d: MailboxDeps) =>
  middy((event: unknown) => inTaskState('DeliverMailbox', () => deliverMailbox(d, parseTaskInput(MailboxInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeDeliverMailboxHandler(messagingWith({ ...caseDeps(), digests: deps.digests() })));

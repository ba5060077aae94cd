/**
 * EscalateToAgency (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/escalate-to-agency.ts --> domain/reports/escalation-file.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { escalateToAgency, type EscalateDeps } from '../app/timeline/escalate-to-agency.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { StageTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export type { EscalationResult } from '../app/timeline/escalate-to-agency.js';
export type { EscalationFile } from '../domain/reports/escalation-file.js';

export const makeEscalateHandler = (d: EscalateDeps) =>
  middy((event: unknown) => inTaskState('EscalateToAgency', () => escalateToAgency(d, parseTaskInput(StageTaskInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeEscalateHandler(messagingWith({ ...caseDeps(), events: deps.events(), tasks: deps.tasks(), bankCredits: deps.bankCredits(), statementFeed: deps.statementFeed() })));

import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * What a use case tells the operators: log lines (ids, stages and outcomes only; never addresses,
 * phone numbers, names or a person's amounts) and business counts for the dashboards.
 */
export interface Observability {
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Counts one business outcome (EmailsSent, CallTasksCreated, …). */
  count: (metric: string, value?: number) => void;
}

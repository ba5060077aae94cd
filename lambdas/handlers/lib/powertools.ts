/**
 * One Logger and one Metrics per Lambda module. Service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE (set by the CDK construct and the local stack).
 * Log ids, stages and outcomes only: never e-mail addresses, phone numbers, names or a person's amounts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sollecito' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Sollecito',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sollecito',
  // Its own warnings (e.g. "no metrics to publish" on a quiet invocation) follow the log level.
  logger,
});

/** Counts one business outcome (MessagesSent, CallTasksCreated, …) for the dashboards. */
export const count = (name: string, value = 1): void => {
  metrics.addMetric(name, MetricUnit.Count, value);
};

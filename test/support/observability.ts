import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** A handler's logger (silent), metrics (as POWERTOOLS_METRICS_DISABLED says) and business counts, built by a test. */
export const testObservability = (serviceName: string) => {
  const logger = new Logger({ serviceName, logLevel: 'SILENT' });
  // Its own warnings ("no metrics to publish") follow the logger.
  const metrics = new Metrics({ namespace: 'SollecitoTest', serviceName, logger });
  return { logger, metrics, count: (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
};

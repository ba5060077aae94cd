/**
 * The one place every Lambda gets its defaults: Node.js 22 on arm64, X-Ray tracing, its own log
 * group with a retention, its own role (no AWS managed policy: it may write to its own log group
 * and nothing else until a grant says so), and the esbuild settings the bench measures
 * (infra/bundling.ts): ESM with a require() banner, minified, source maps, the AWS SDK bundled.
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LAMBDA_ALIASES, LAMBDA_DEFINE, LAMBDA_ESBUILD_OPTIONS, PACKAGED_FILES } from '../bundling.js';
import { acknowledge } from './nag.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HANDLERS_DIR = join(REPO_ROOT, 'lambdas', 'handlers');

export const handlerEntry = (handler: string): string => join(HANDLERS_DIR, `${handler}.ts`);
export const handlerExists = (handler: string): boolean => existsSync(handlerEntry(handler));

/**
 * No reserved concurrency anywhere: nothing here needs a guaranteed floor, the stream consumer is
 * bounded by its shards, the API by the stage throttle, and a new account's total of 10 leaves
 * nothing to reserve (Lambda keeps 10 unreserved), so a reservation could fail the deployment.
 */
export const LAMBDA_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  memorySize: 512,
  timeout: Duration.seconds(30),
} as const;

export interface HandlerFunctionProps {
  /** File name under lambdas/handlers without `.ts`; it exports `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly logRetention: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Failed asynchronous invocations (after Lambda's own retries) land here. */
  readonly deadLetterQueue?: sqs.IQueue;
}

export class HandlerFunction extends NodejsFunction {
  readonly handlerName: string;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      // Logs outlive a stack deletion: they are the audit trail of what was sent and why.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Sollecito ${props.handler} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      ...LAMBDA_DEFAULTS,
      entry: handlerEntry(props.handler),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      memorySize: props.memorySize ?? LAMBDA_DEFAULTS.memorySize,
      timeout: props.timeout ?? LAMBDA_DEFAULTS.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'sollecito',
        POWERTOOLS_METRICS_NAMESPACE: 'Sollecito',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // No NODE_OPTIONS=--enable-source-maps: Node would parse the map at every cold start (+8–11 ms,
        // docs/operations.md). The map ships beside the bundle; `npm run decode-stack` reads it when a trace needs it.
        ...props.environment,
      },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_ESBUILD_OPTIONS.target,
        mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
        banner: LAMBDA_ESBUILD_OPTIONS.banner.js,
        minify: LAMBDA_ESBUILD_OPTIONS.minify,
        charset: LAMBDA_ESBUILD_OPTIONS.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        sourceMap: LAMBDA_ESBUILD_OPTIONS.sourcemap,
        // Mappings only, beside the bundle: what `npm run decode-stack` needs to turn a logged trace into source lines.
        sourcesContent: false,
        // The SDK is bundled, not taken from the runtime: pinned by the lockfile, tree-shaken, faster to load.
        externalModules: [],
        define: { ...LAMBDA_DEFINE },
        // The templates and the holiday table beside index.mjs, read on first use (infra/bundling.ts PACKAGED_FILES).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            PACKAGED_FILES.map((path) => `mkdir -p "${posix.join(outputDir, posix.dirname(path))}" && cp "${posix.join(inputDir, path)}" "${posix.join(outputDir, path)}"`),
        },
        esbuildArgs: {
          '--legal-comments': LAMBDA_ESBUILD_OPTIONS.legalComments,
          ...Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        },
      },
    });
    this.handlerName = props.handler;
  }
}

/** A dead-letter queue: SSE-SQS, TLS only, messages kept the maximum 14 days for a human to look at. */
export const deadLetterQueue = (scope: Construct, id: string, description: string): sqs.Queue => {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, `This queue is itself a dead-letter queue (${description}); it has none of its own.`, 'AwsSolutions-SQS3');
  return queue;
};

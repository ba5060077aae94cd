/**
 * The finance console in AWS: the static build (console/, Vite + Preact) in a private S3 bucket
 * that only CloudFront reads (origin access control), behind one distribution that also forwards
 * /v1/* to the HTTP API, so the console calls the admin API on its own origin (no CORS, a CSP with
 * connect-src 'self' and the sign-in domain). Every answer carries the console's security headers
 * (console/headers.ts: strict CSP, HSTS, no framing, no sniffing, no referrer). The same
 * `cdk deploy` builds the console (the asset's local bundling runs console/build.ts) and uploads
 * it with its config.json: the Cognito domain and app client of this stack.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_DIR, consoleInputsHash } from '../../console/inputs.js';
import { HSTS_MAX_AGE_SECONDS, OTHER_SECURITY_HEADERS, contentSecurityPolicy } from '../../console/headers.js';
import { REPO_ROOT } from './defaults.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';

export interface ConsoleProps {
  /** The admin API, forwarded under /v1/* on the console's origin. */
  readonly httpApi: apigwv2.IHttpApi;
  /** Managed login's origin (https://<prefix>.auth.<region>.amazoncognito.com). */
  readonly signInOrigin: string;
  /** The app client the console signs in with (public: no secret). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Where the buckets' server access logs go (storage's access-log bucket). */
  readonly accessLogs: s3.IBucket;
  readonly logRetention: logs.RetentionDays;
}

/** The API paths CloudFront forwards to the HTTP API. */
export const CONSOLE_API_PATHS = ['/v1/*'] as const;

export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly deployment: s3deploy.BucketDeployment;
  /** The role the deployment's handler runs with (ours: exact actions, no managed policy). */
  readonly deploymentRole: iam.Role;
  private readonly stagedSources: string;
  private readonly siteObjects: string;
  /** https://<distribution domain>/ : the sign-in callback and sign-out URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console/',
      // Versioned like every bucket here: a bad deployment's files can be put back; old builds expire.
      versioned: true,
      lifecycleRules: [
        { id: 'expire-old-builds', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudFront's standard logs are written with ACLs: a bucket of their own that allows them.
    const cdnLogs = new s3.Bucket(this, 'CdnLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console-cdn-logs/',
      versioned: true,
      lifecycleRules: [
        { id: 'expire-cdn-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const custom = (header: string) => ({ header, value: OTHER_SECURITY_HEADERS[header]!, override: true });
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Sollecito console: strict CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy({ https: true, authOrigin: props.signInOrigin }), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [custom('cross-origin-opener-policy'), custom('cross-origin-resource-policy'), custom('permissions-policy')],
      },
    });

    const apiOrigin = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Sollecito finance console',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(
        CONSOLE_API_PATHS.map((path) => [
          path,
          {
            origin: apiOrigin,
            viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
            // Never cached; with caching off this policy forwards the Authorization header, the query and the body.
            cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
            originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            responseHeadersPolicy: this.headers,
            compress: true,
          },
        ]),
      ),
    });
    this.url = `https://${this.distribution.distributionDomainName}/`;
    acknowledge(
      this.distribution,
      'No geo restriction on purpose: the finance team signs in from wherever it works (travel, remote staff); every request past the static files needs a Cognito user with mandatory MFA.',
      'AwsSolutions-CFR1',
    );
    acknowledge(
      this.distribution,
      'No WAF web ACL: the distribution serves a static build and forwards /v1/* to an API that refuses any request without a Cognito JWT and is throttled per stage (infra/constructs/api.ts); a web ACL would add a fixed monthly cost for a handful of invited users. Add one (webAclId) if the console opens to more users.',
      'AwsSolutions-CFR2',
    );
    acknowledge(
      this.distribution,
      'The distribution uses its default *.cloudfront.net certificate, with which CloudFront cannot pin a minimum TLS version; the console and its API answer HTTPS only. A custom domain with an ACM certificate would set TLSv1.2_2021.',
      'AwsSolutions-CFR4',
    );

    // The build, made at synth by console/build.ts (no Docker), staged as an asset of its own.
    const build = new s3assets.Asset(this, 'Build', {
      path: CONSOLE_DIR,
      assetHashType: AssetHashType.CUSTOM,
      assetHash: consoleInputsHash(),
      bundling: {
        // Never pulled: the local bundling below always succeeds or fails the synth.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: {
          tryBundle: (outputDir: string) => {
            execFileSync(process.execPath, ['--import', 'tsx', join(CONSOLE_DIR, 'build.ts'), '--out', outputDir], { cwd: REPO_ROOT, stdio: 'inherit' });
            return true;
          },
        },
      },
    });
    const config = s3deploy.Source.jsonData('config.json', {
      authority: props.signInOrigin,
      clientId: props.clientId,
      scopes: props.scopes.join(' '),
      apiBase: '',
      environment: 'aws',
    });

    // The deployment's own role with exactly what `aws s3 sync` needs, instead of CDK's grants
    // (wildcard actions) and its managed policy: read the staged sources, list and write the site.
    // No delete: builds are not pruned (an old build's hashed files stay, a few hundred KB each).
    const deployLogs = new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sollecito console deployment (CDK BucketDeployment): copies the build to the console bucket',
    });
    deployLogs.grantWrite(role);
    this.stagedSources = build.bucket.arnForObjects('*');
    this.siteObjects = this.bucket.arnForObjects('*');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.stagedSources] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [this.siteObjects] }));
    this.deploymentRole = role;

    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [s3deploy.Source.bucket(build.bucket, build.s3ObjectKey), config],
      // The grants BucketDeployment would add go nowhere: the statements above are the role's.
      role: role.withoutPolicyUpdates(),
      // index.html and config.json change in place; the hashed assets beside them are re-checked cheaply.
      cacheControl: [s3deploy.CacheControl.noCache()],
      exclude: ['.inputs-hash'],
      prune: false,
      memoryLimit: 256,
      logGroup: deployLogs,
    });
    this.acknowledgeDeploymentHandler();
  }

  /**
   * BucketDeployment's handler is CDK's own singleton function: its runtime is CDK's. Its role is
   * ours (above); its two object wildcards are the staged sources and the site's objects.
   */
  private acknowledgeDeploymentHandler(): void {
    acknowledgeWildcardResources(
      this.deploymentRole,
      'The console deployment reads the staged build and config.json from the CDK assets bucket (their keys are content hashes known only at synth) and writes every object of the console bucket, which holds nothing but the build.',
      [this.stagedSources, this.siteObjects],
    );
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      acknowledge(handler, 'CDK-managed BucketDeployment handler: CDK pins its runtime (and ships the AWS CLI layer it needs); it runs only during deployments.', 'AwsSolutions-L1');
    }
  }
}

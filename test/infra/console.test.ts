/**
 * The finance console in the template: a private bucket read only by the distribution (origin
 * access control), the security headers on every answer, /v1/* forwarded to the HTTP API
 * uncached, the deployment of the build with its config.json, and the Cognito managed login the
 * console signs in with: the user-pool domain, the code + PKCE app client whose callback and
 * sign-out URLs are the distribution's (no placeholder). Synthesized without a console build
 * (bundling off, as every infra test): the synth never needs console/dist.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, list, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

const distribution = () => t.ofType('AWS::CloudFront::Distribution').map(([id, r]) => ({ id, config: r.Properties.DistributionConfig as Json }))[0]!;
const distributionDomain = () => ({ 'Fn::GetAtt': [distribution().id, 'DomainName'] });
const consoleUrl = () => ({ 'Fn::Join': ['', ['https://', distributionDomain(), '/']] });
/** The resolved CloudFormation value of a token-bearing string, for comparisons. */
const resolved = (v: string) => JSON.parse(JSON.stringify(t.stack.resolve(v))) as unknown;

describe('console', () => {
  it('keeps the build in a private bucket that only this distribution reads, over TLS', () => {
    const bucketId = t.idOf(t.stack.console.bucket);
    const bucket = t.resources[bucketId]!.Properties as Json;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: t.idOf(t.stack.storage.accessLogs) });
    expect(bucket.WebsiteConfiguration).toBeUndefined();

    const [, policy] = t.ofType('AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties.Bucket).includes(bucketId))!;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    // Every Allow is for CloudFront, on behalf of this distribution only; nothing for '*' or an AWS principal.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(s.Condition)).toContain(distribution().id);
      expect(s.Action).toBe('s3:GetObject');
    }
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('reaches the bucket through origin access control (SigV4 signed), not an identity or a website endpoint', () => {
    t.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const oac = t.ofType('AWS::CloudFront::OriginAccessControl')[0]![0];
    const s3Origin = (distribution().config.Origins as Json[]).find((o) => o.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    expect(s3Origin?.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(distribution().config.DefaultRootObject).toBe('index.html');
    expect(distribution().config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution().config.Logging.Bucket).toBeDefined();
  });

  it('answers with a strict CSP, HSTS, no framing, no sniffing and no referrer, on the console and on the API behind it', () => {
    const [policyId, policy] = t.ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const cfg = policy.Properties.ResponseHeadersPolicyConfig as Json;
    const sec = cfg.SecurityHeadersConfig as Json;
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", 'upgrade-insecure-requests']) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // connect-src: the console's own origin and the sign-in domain of this user pool, nothing else.
    expect(csp).toContain("connect-src 'self' https://");
    expect(csp).toContain(t.idOf(t.stack.api.signInDomain));
    expect(sec.ContentSecurityPolicy.Override).toBe(true);
    expect(sec.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(sec.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(sec.ContentTypeOptions).toEqual({ Override: true });
    expect(sec.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const custom = Object.fromEntries((cfg.CustomHeadersConfig.Items as Json[]).map((h) => [h.Header, h.Value]));
    expect(custom['cross-origin-opener-policy']).toBe('same-origin');
    expect(custom['permissions-policy']).toContain('camera=()');
    const { config } = distribution();
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    for (const b of config.CacheBehaviors as Json[]) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('forwards /v1/* to the HTTP API uncached (all methods, the Authorization header through), HTTPS and TLS 1.2 only', () => {
    const { config } = distribution();
    const api = (config.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/v1/*')!;
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'OPTIONS']));
    // Managed policies: CachingDisabled, AllViewerExceptHostHeader.
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    const origin = (config.Origins as Json[]).find((o) => o.Id === api.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toContain(t.idOf(t.stack.api.httpApi));
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('deploys the build and a config.json naming this stack’s sign-in domain and app client', () => {
    const [, deployment] = t.ofType('Custom::CDKBucketDeployment')[0]!;
    const p = deployment.Properties as Json;
    expect(p.DestinationBucketName).toEqual({ Ref: t.idOf(t.stack.console.bucket) });
    expect(p.SourceBucketNames).toHaveLength(2);
    // Not pruned: the deployment may not delete (access.test.ts), old hashed files stay.
    expect(p.Prune).toBe(false);
    // The deploy-time values of config.json (Source.jsonData's markers): the client id and the domain.
    const markers = JSON.stringify(p.SourceMarkers);
    expect(markers).toContain(t.idOf(t.stack.api.userPoolClient));
    expect(markers).toContain(t.idOf(t.stack.api.signInDomain));
    // Its handler runs with our role: no managed policy, no wildcard action, S3 only on the console
    // bucket (list, write) and the staged sources (read); nothing deleted, nothing of the documents.
    const roleId = t.idOf(t.stack.console.deploymentRole);
    expect(t.resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = t.policiesOfRole(roleId);
    const s3 = statements.filter((st) => list(st.Action).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((st) => list(st.Action)).sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    for (const st of s3) expect(JSON.stringify(st.Resource)).toMatch(new RegExp(`${t.idOf(t.stack.console.bucket)}|cdk-[a-z0-9]+-assets-`));
    expect(JSON.stringify(statements)).not.toContain(t.idOf(t.stack.storage.documents));
    expect(JSON.stringify(t.resources)).toContain(`"Role":{"Fn::GetAtt":["${roleId}","Arn"]}`);
  });

  it('signs in with Cognito managed login on the pool’s domain, code + PKCE only, back to the distribution', () => {
    const poolId = t.idOf(t.stack.api.userPool);
    t.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { UserPoolId: { Ref: poolId }, ManagedLoginVersion: 2, Domain: Match.anyValue() });
    t.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: poolId },
      ClientId: { Ref: t.idOf(t.stack.api.userPoolClient) },
      UseCognitoProvidedValues: true,
    });
    const client = t.resources[t.idOf(t.stack.api.userPoolClient)]!.Properties as Json;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.CallbackURLs).toEqual([consoleUrl()]);
    expect(client.LogoutURLs).toEqual([consoleUrl()]);
    expect(client.EnableTokenRevocation).toBe(true);
    // No placeholder anywhere (CDK's default callback is https://example.com).
    expect(JSON.stringify(t.template.toJSON())).not.toContain('https://example.com');
    expect(resolved(t.stack.console.url)).toEqual(consoleUrl());
    t.template.hasOutput('ConsoleUrl', { Value: consoleUrl() });
  });

  it('meets the CloudFront and S3 checks itself: only geo restriction, WAF and the default certificate’s TLS floor are acknowledged', () => {
    const acked = [t.stack.console, ...t.stack.console.node.findAll()].flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => id.replace(/^annotation::/i, ''))),
    );
    const consoleRules = acked.filter((id) => !id.startsWith('AwsSolutions-IAM') && id !== 'AwsSolutions-L1');
    expect(consoleRules.sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4']);
  });
});

/**
 * The HTTP API: the auth split between Cognito-protected routes and the customer-link pages, the
 * user pool, throttling and access logs.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlerExists } from '../../infra/constructs/defaults.js';
import { PUBLIC_ADMIN_ROUTES } from '../../lambdas/api/public-routes.js';
import { SYNTH_TIMEOUT_MS, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('api', () => {
  const routes = () => t.ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties as Json);

  it('requires a Cognito JWT on every route but the admin API\'s public ones (GET /health, GET /openapi.json) and the customer-link pages', () => {
    const rs = routes();
    expect(rs.map((r) => r.RouteKey)).toEqual(expect.arrayContaining(['GET /health', 'GET /openapi.json', 'ANY /v1/{proxy+}']));
    // The same list as the route declarations (access 'public') and the local stack.
    const publicAdmin = new Set(PUBLIC_ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`));
    expect([...publicAdmin].sort()).toEqual(['GET /health', 'GET /openapi.json']);
    for (const r of rs) {
      const isPublic = publicAdmin.has(r.RouteKey as string) || / \/[csd]\//.test(r.RouteKey as string);
      expect({ route: r.RouteKey, auth: r.AuthorizationType }).toEqual({ route: r.RouteKey, auth: isPublic ? 'NONE' : 'JWT' });
      if (!isPublic) expect(r.AuthorizerId, r.RouteKey).toBeDefined();
    }
  });

  it.skipIf(!handlerExists('customer-pages'))('serves GET and POST /c/{proxy+}, the SMS short links GET /s/{code} and the dossier links GET /d/{token} from the customer-pages function, without JWT', () => {
    const customer = routes().filter((r) => / \/[csd]\//.test(r.RouteKey as string));
    expect(customer.map((r) => r.RouteKey).sort()).toEqual(['GET /c/{proxy+}', 'GET /d/{token}', 'GET /s/{code}', 'POST /c/{proxy+}']);
    const integrations = Object.fromEntries(t.ofType('AWS::ApiGatewayV2::Integration'));
    for (const r of customer) {
      const integrationId = (r.Target as Json)['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]!.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [t.fnId('customer-pages'), 'Arn'] });
      expect(integrations[integrationId]!.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('trusts tokens of its own user pool and app client', () => {
    t.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: t.idOf(t.stack.api.userPoolClient) }],
        Issuer: { 'Fn::Join': ['', [Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: t.idOf(t.stack.api.userPool) }]] },
      },
    });
    for (const groupName of ['finance', 'viewer']) {
      t.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: groupName, UserPoolId: { Ref: t.idOf(t.stack.api.userPool) } });
    }
    t.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
  });

  it.skipIf(!handlerExists('customer-pages'))('gives every public customer route its own throttle, below the stage\'s, so junk tokens cannot spend the admin API\'s budget', () => {
    const [, stage] = t.ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const stageRate = stage.Properties.DefaultRouteSettings.ThrottlingRateLimit as number;
    const perRoute = (stage.Properties.RouteSettings ?? {}) as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const publicKeys = routes().map((r) => r.RouteKey as string).filter((k) => / \/[csd]\//.test(k));
    expect(publicKeys.length).toBe(4);
    for (const key of publicKeys) {
      expect(perRoute[key], key).toBeDefined();
      expect(perRoute[key]!.ThrottlingRateLimit, key).toBeLessThanOrEqual(stageRate / 5);
      expect(perRoute[key]!.ThrottlingBurstLimit, key).toBeGreaterThan(0);
    }
    // The admin routes keep the stage's limits.
    expect(Object.keys(perRoute).filter((k) => k.includes('/v1/'))).toEqual([]);
  });

  it('throttles the stage and writes access logs keyed by route, never by raw path', () => {
    const [, stage] = t.ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(Object.values(format)).toContain('$context.routeKey');
    // Customer-link paths carry the signed token.
    expect(Object.values(format).join(' ')).not.toMatch(/\$context\.(path|http\.path|resourcePath)\b/);
  });
});

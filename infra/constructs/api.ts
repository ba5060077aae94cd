/**
 * The HTTP API: the finance team's admin API behind Cognito (groups `finance` may change things,
 * `viewer` may read; lambdas/api/auth.ts checks the group again), and the public customer-link
 * pages, which carry no JWT because the signed link itself is the credential. Throttled per
 * stage, access-logged by route key (never the raw path: it carries the customers' link tokens).
 *
 * Sign-in is Cognito managed login on the user pool's own domain: the finance console (a public
 * client, no secret) uses the authorization-code flow with PKCE, comes back to the console's URL
 * (the CloudFront distribution, given by `useConsoleUrl`: no placeholder callback) and signs out
 * there; MFA stays mandatory, the ID token carries `cognito:groups`.
 */
import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, handlerExists } from './defaults.js';
import { acknowledge } from './nag.js';
import { PUBLIC_ADMIN_ROUTES } from '../../lambdas/api/public-routes.js';

export const ADMIN_GROUPS = ['finance', 'viewer', 'admin'] as const;

const GROUP_DESCRIPTIONS: Record<(typeof ADMIN_GROUPS)[number], string> = {
  finance: 'Collectors: may record payments, promises, disputes and change customers',
  viewer: 'Read-only access',
  admin: "The finance team's lead: everything finance may",
};

/** Route key -> authenticated by the JWT authorizer (true) or public (false: the admin API's own list). */
export const ADMIN_ROUTES = [
  ...PUBLIC_ADMIN_ROUTES.map((r) => ({ path: r.path, methods: [apigwv2.HttpMethod[r.method]], jwt: false })),
  { path: '/v1/{proxy+}', methods: [apigwv2.HttpMethod.ANY], jwt: true },
];
export const CUSTOMER_ROUTES = [
  { path: '/c/{proxy+}', methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST] },
  // The SMS short links: a code that redirects to its /c/ link.
  { path: '/s/{code}', methods: [apigwv2.HttpMethod.GET] },
  // The collection agency's dossier link: a 302 to a short-lived URL of the zip.
  { path: '/d/{token}', methods: [apigwv2.HttpMethod.GET] },
] as const;

/** Steady requests per second and burst for the whole stage: a finance team and its customers' clicks. */
export const STAGE_THROTTLE = { rateLimit: 50, burstLimit: 100 };
/**
 * Each public route's own, lower limit (an HTTP API route setting; an HTTP API takes no WAF): junk
 * /c/* tokens can spend at most this much of the stage's budget, never the finance team's share.
 */
export const CUSTOMER_ROUTE_THROTTLE = { rateLimit: 10, burstLimit: 20 };

export interface ApiProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

/** The scopes the console asks for: the ID token with the e-mail (the contact log's actor) and the groups. */
export const CONSOLE_SCOPES = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE];

export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Managed login: https://<prefix>.auth.<region>.amazoncognito.com. */
  readonly signInDomain: cognito.UserPoolDomain;
  private consoleUrl?: string;
  readonly adminFunction: HandlerFunction;
  readonly customerFunction?: HandlerFunction;
  readonly functions: HandlerFunction[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.userPool,
      'Essentials plan on purpose: threat protection (Plus plan, billed per user) adds little for a handful of invited finance users with mandatory TOTP MFA, no self sign-up and 14-character passwords. Switch featurePlan to PLUS if the user base grows or opens up.',
      'AwsSolutions-COG8',
    );
    ADMIN_GROUPS.forEach((groupName, i) =>
      this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        precedence: i,
        description: GROUP_DESCRIPTIONS[groupName],
      }),
    );
    const stack = Stack.of(this);
    this.signInDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.resources.config.signInDomainPrefix ?? `sollecito-${props.resources.config.tenantId}-${stack.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // The console's URL is known once the distribution exists (infra/constructs/console.ts); the stack
    // hands it over with useConsoleUrl, and synthesis stops if it never does.
    const consoleUrl = Lazy.string({
      produce: () => {
        if (!this.consoleUrl) throw new Error('Api: the console URL was never given (useConsoleUrl): the app client would have no callback URL');
        return this.consoleUrl;
      },
    });
    this.userPoolClient = this.userPool.addClient('AdminClient', {
      generateSecret: false,
      // SRP stays for scripts and the AWS CLI; the console signs in through managed login.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: CONSOLE_SCOPES,
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    // Managed login (version 2) shows a page only for a client with a branding style: Cognito's own.
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Sollecito admin API and customer-link pages',
      createDefaultStage: false,
      // Every route needs a JWT unless it opts out below.
      defaultAuthorizer: new HttpUserPoolAuthorizer('CognitoAuthorizer', this.userPool, { userPoolClients: [this.userPoolClient] }),
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            user: '$context.authorizer.claims.sub',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    this.adminFunction = new HandlerFunction(this, 'AdminApiFunction', {
      handler: 'admin-api',
      description: 'Admin API: invoices, payments, promises, disputes, customers, calls, reports',
      logRetention: props.logRetention,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(25),
    });
    applyAccess(this.adminFunction, accessOf('admin-api'), props.resources);
    this.functions.push(this.adminFunction);
    const adminIntegration = new HttpLambdaIntegration('AdminIntegration', this.adminFunction, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const publicRoutes: apigwv2.HttpRoute[] = [];
    for (const r of ADMIN_ROUTES) {
      const routes = this.httpApi.addRoutes({
        path: r.path,
        methods: [...r.methods],
        integration: adminIntegration,
        ...(r.jwt ? {} : { authorizer: new apigwv2.HttpNoneAuthorizer() }),
      });
      if (!r.jwt) publicRoutes.push(...routes);
    }

    // The customer pages are their own function (public, no admin code), wired once its handler exists.
    if (handlerExists('customer-pages')) {
      this.customerFunction = new HandlerFunction(this, 'CustomerPagesFunction', {
        handler: 'customer-pages',
        description: 'Customer-link pages: pay, promise a date, raise a problem',
        logRetention: props.logRetention,
        timeout: Duration.seconds(15),
      });
      applyAccess(this.customerFunction, accessOf('customer-pages'), props.resources);
      this.functions.push(this.customerFunction);
      const customerIntegration = new HttpLambdaIntegration('CustomerIntegration', this.customerFunction, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      });
      // CfnStage.routeSettings is untyped JSON, written to the template as given: CloudFormation's names.
      const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
      for (const r of CUSTOMER_ROUTES) {
        const added = this.httpApi.addRoutes({ path: r.path, methods: [...r.methods], integration: customerIntegration, authorizer: new apigwv2.HttpNoneAuthorizer() });
        publicRoutes.push(...added);
        // A route setting names an existing route key: the stage is updated after the routes.
        stage.node.addDependency(...added);
        for (const m of r.methods) {
          routeSettings[`${m} ${r.path}`] = { ThrottlingRateLimit: CUSTOMER_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: CUSTOMER_ROUTE_THROTTLE.burstLimit };
        }
      }
      (stage.node.defaultChild as apigwv2.CfnStage).routeSettings = routeSettings;
    }
    for (const route of publicRoutes) {
      acknowledge(
        route,
        'Public on purpose: GET /health is the unauthenticated health check; GET /openapi.json is the published API contract, which holds no data; GET/POST /c/{proxy+} are the customer-link pages, authenticated by the HMAC-signed link they carry, not by a Cognito user; GET /s/{code} are the SMS short links, a random unguessable code that only redirects to such a signed link; GET /d/{token} is the collection agency dossier link, HMAC-signed with its own expiry.',
        'AwsSolutions-APIG4',
      );
    }
  }

  /** The console's address (https://<distribution>/): the app client's callback and sign-out URL. */
  useConsoleUrl(url: string): void {
    this.consoleUrl = url;
  }

  /** The origin of managed login's endpoints (authorize, token, revoke, logout), for the console's config and CSP. */
  get signInOrigin(): string {
    return this.signInDomain.baseUrl();
  }
}

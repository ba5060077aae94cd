/**
 * The console's runtime settings, read from ./config.json beside index.html: written by the CDK
 * deployment in AWS (the Cognito domain and app client of the stack) and by the local stack on a
 * laptop (its sign-in stand-in). The build itself holds no environment.
 */
export interface ConsoleConfig {
  /** Base URL of the OAuth 2.0 endpoints: the Cognito domain (https://<prefix>.auth.<region>.amazoncognito.com), or the local stand-in. */
  authority: string;
  clientId: string;
  /** Space-separated OAuth scopes. */
  scopes: string;
  /** Where the admin API answers; '' for the console's own origin (CloudFront forwards /v1/*). */
  apiBase: string;
  environment: 'aws' | 'local';
}

const isString = (v: unknown): v is string => typeof v === 'string';

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const raw = (await res.json()) as Record<string, unknown>;
  const { authority, clientId, scopes, apiBase, environment } = raw;
  if (!isString(authority) || !isString(clientId) || !isString(apiBase)) throw new Error('config.json: authority, clientId and apiBase are required');
  return {
    authority: authority.replace(/\/$/, ''),
    clientId,
    scopes: isString(scopes) ? scopes : 'openid email profile',
    apiBase: apiBase.replace(/\/$/, ''),
    environment: environment === 'local' ? 'local' : 'aws',
  };
};

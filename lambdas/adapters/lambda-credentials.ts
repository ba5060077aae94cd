/**
 * What the Lambda bundles use in place of @aws-sdk/credential-provider-node (the alias is in
 * infra/bundling.ts). Lambda hands every function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link of the SDK's
 * default chain; the rest of that chain (SSO, shared INI files, credential processes, web
 * identity, instance metadata) and the STS/SSO clients it carries never run there and would add
 * about 125 KB to every bundle. The local stack and the tests run the sources with the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> => fromEnv(init);

/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Settings come from the CDK context
 * (docs/deploy.md); account and region from the CLI's profile. `stackName` names the stack, so two
 * companies can live in one account: `npx cdk deploy -c stackName=sollecito-rossi -c tenantId=rossi`.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SollecitoStack } from './stack.js';

const app = new App();
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Sollecito';

const stack = new SollecitoStack(app, stackName, {
  description: 'Sollecito: accounts-receivable follow-up (dunning timelines, admin API, customer links)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Tags.of(stack).add('app', 'sollecito');
Tags.of(stack).add('tenant', stack.config.tenantId);
// `-c nag=true`: the AwsSolutions checks run at synth and any unacknowledged finding stops it.
if (String(app.node.tryGetContext('nag')) === 'true') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();

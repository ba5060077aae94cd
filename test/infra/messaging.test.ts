/**
 * SES: the configuration set's events, the sender identity, the SMS grant and the sandbox
 * identities of infra/constructs/messaging.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../infra/constructs/config.js';
import { Messaging } from '../../infra/constructs/messaging.js';
import { CDK_JSON_CONTEXT, TEST_ENV } from '../support/synth.js';
import { SES_DETAIL_TYPES, SYNTH_TIMEOUT_MS, stackTemplate, type StackTemplate, type Statement } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('messaging', () => {
  it('the configuration set sends bounces, complaints and deliveries to the default event bus', () => {
    t.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: t.idOf(t.stack.messaging.configurationSet) },
      EventDestination: {
        Enabled: true,
        EventBridgeDestination: { EventBusArn: `arn:aws:events:${TEST_ENV.region}:${TEST_ENV.account}:event-bus/default` },
        MatchingEventTypes: Match.anyValue(),
      },
    });
    const [, destination] = t.ofType('AWS::SES::ConfigurationSetEventDestination')[0]!;
    // Every event delivery-events turns into a log entry, a customer change or a task.
    expect([...(destination.Properties.EventDestination.MatchingEventTypes as string[])].sort()).toEqual(
      Object.keys(SES_DETAIL_TYPES).sort(),
    );
    t.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: DEFAULT_CONFIG.senderEmail });
  });

  it('with an origination identity, SendTextMessage is granted on that one phone number and the SMS configuration set', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'SmsOnly', { env: TEST_ENV });
    const messaging = new Messaging(st, 'Messaging', {
      config: { ...DEFAULT_CONFIG, smsOriginationIdentity: 'phone-number-0123456789abcdef0123456789abcdef' },
    });
    const role = new iam.Role(st, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(messaging.grantSendSms(role)).toBe(true);
    Template.fromStack(st).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'sms-voice:SendTextMessage',
            Effect: 'Allow',
            Resource: [
              `arn:aws:sms-voice:${TEST_ENV.region}:${TEST_ENV.account}:phone-number/phone-number-0123456789abcdef0123456789abcdef`,
              { 'Fn::GetAtt': [st.getLogicalId(messaging.smsFeedback!.configurationSet), 'Arn'] },
            ],
          },
        ],
      },
    });
  });

  it('in the SES sandbox the finance inboxes become identities the senders may address', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'Sandbox', { env: TEST_ENV });
    const messaging = new Messaging(st, 'Messaging', {
      config: { ...DEFAULT_CONFIG, sesSandbox: true, financeInboxes: ['ar@example.com'], agencyEmail: 'files@agency.example' },
    });
    const role = new iam.Role(st, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    messaging.grantSendEmail(role);
    const t = Template.fromStack(st);
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'ar@example.com' });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'files@agency.example' });
    const statement = Object.values(t.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument.Statement[0];
    expect(statement.Resource).toHaveLength(4);
  });
});

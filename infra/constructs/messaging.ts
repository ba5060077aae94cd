/**
 * Everything that leaves the company: the SES sender identity and configuration set (bounce,
 * complaint, delivery… events to the default EventBridge bus, the only bus SES delivers to), the
 * End User Messaging SMS origination identity with its configuration set (every text status to an
 * encrypted SNS topic, which also takes the inbound replies), the domain event bus, and the key
 * that signs the customer links. Each is granted through a method that names the exact resource ARNs.
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as smsvoice from 'aws-cdk-lib/aws-smsvoice';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KEY_ACCOUNT_ACTIONS } from './alarms.js';
import type { SollecitoConfig } from './config.js';
import { acknowledge } from './nag.js';

export interface MessagingProps {
  readonly config: SollecitoConfig;
}

/** The SES events the contact log and the deliverability dashboards care about. */
export const SES_EVENTS = [
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.DELIVERY_DELAY,
  ses.EmailSendingEvent.RENDERING_FAILURE,
];

/** End User Messaging SMS event types sent to the SMS events topic: every status of every text. */
export const SMS_EVENT_TYPES = ['TEXT_ALL'];

/** The SMS configuration set and where its events (and the inbound replies) go. */
export interface SmsFeedback {
  readonly configurationSet: smsvoice.CfnConfigurationSet;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly topic: sns.Topic;
  readonly key: kms.Key;
}

/** An origination identity from config (phone-number-…, pool-… or an ARN) as the ARN IAM evaluates. */
export const smsIdentityArn = (stack: Stack, identity: string): string => {
  if (identity.startsWith('arn:')) return identity;
  const resource = identity.startsWith('pool-') ? 'pool' : 'phone-number';
  return stack.formatArn({ service: 'sms-voice', resource, resourceName: identity });
};

export class Messaging extends Construct {
  readonly senderEmail: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  readonly senderIdentityArn: string;
  /** With a domain identity, SES may also evaluate the address itself: both ARNs are granted. */
  readonly senderAddressArn?: string;
  /** Sandbox only: the verified recipients (finance inboxes, agency) the functions may send to. */
  readonly recipientIdentityArns: string[] = [];
  readonly smsOriginationIdentity?: string;
  readonly smsIdentityArn?: string;
  /** Only with an origination identity: without one nothing is ever texted. */
  readonly smsFeedback?: SmsFeedback;
  readonly bus: events.EventBus;
  readonly linkSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    this.senderEmail = config.senderEmail;

    const isDomain = !config.senderIdentity.includes('@');
    if (config.createSenderIdentity) {
      const identity = new ses.EmailIdentity(this, 'SenderIdentity', {
        identity: isDomain ? ses.Identity.domain(config.senderIdentity) : ses.Identity.email(config.senderIdentity),
      });
      this.senderIdentityArn = identity.emailIdentityArn;
    } else {
      this.senderIdentityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.senderIdentity });
    }

    if (isDomain) {
      this.senderAddressArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.senderEmail });
    }

    if (config.sesSandbox) {
      const recipients = [...new Set([...config.financeInboxes, ...(config.agencyEmail ? [config.agencyEmail] : [])])];
      recipients.forEach((address, i) => {
        const identity = new ses.EmailIdentity(this, `SandboxRecipient${i}`, { identity: ses.Identity.email(address) });
        this.recipientIdentityArns.push(identity.emailIdentityArn);
      });
    }

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: SES_EVENTS,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    if (config.smsOriginationIdentity) {
      this.smsOriginationIdentity = config.smsOriginationIdentity;
      this.smsIdentityArn = smsIdentityArn(stack, config.smsOriginationIdentity);
      this.smsFeedback = this.smsEvents(stack);
    }

    this.bus = new events.EventBus(this, 'DomainEvents', {
      description: 'Sollecito domain events (source "sollecito"): ids and amounts, never personal data',
    });

    this.linkSecret = new secretsmanager.Secret(this, 'LinkSigningKey', {
      description: 'HMAC key that signs the links in customer e-mails (pay, promise, dispute)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledge(
      this.linkSecret,
      'HMAC key of the customer links: a plain automatic rotation would invalidate every link already e-mailed. Rotation is the documented manual procedure (docs/deploy.md): store {"current": new, "previous": [old]} so old links keep verifying until they expire.',
      'AwsSolutions-SMG4',
    );
  }

  /**
   * The SMS configuration set publishing every text event to an SNS topic under its own key; the
   * same topic is the two-way channel of the phone number (set by hand, docs/deploy.md), so STOP
   * and replies arrive there too. End User Messaging may use the key and publish only on behalf
   * of this account's SMS resources in this region: configuration-set events carry the
   * configuration set as source, inbound messages the phone number or pool.
   */
  private smsEvents(stack: Stack): SmsFeedback {
    const fromOurSms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'sms-voice', resource: '*' }) },
    };
    const smsVoice = new iam.ServicePrincipal('sms-voice.amazonaws.com');
    const key = new kms.Key(this, 'SmsEventsKey', {
      description: 'Sollecito SMS delivery events and replies (phone numbers, message text)',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: KEY_ACCOUNT_ACTIONS, resources: ['*'] }),
          new iam.PolicyStatement({ principals: [smsVoice], actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['*'], conditions: fromOurSms }),
        ],
      }),
    });
    const topic = new sns.Topic(this, 'SmsEvents', { displayName: 'Sollecito SMS delivery events and replies', masterKey: key, enforceSSL: true });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [smsVoice], actions: ['sns:Publish'], resources: [topic.topicArn], conditions: fromOurSms }),
    );

    const configurationSet = new smsvoice.CfnConfigurationSet(this, 'SmsConfigurationSet', {
      eventDestinations: [
        { eventDestinationName: 'DeliveryEvents', enabled: true, matchingEventTypes: SMS_EVENT_TYPES, snsDestination: { topicArn: topic.topicArn } },
      ],
    });
    // The topic policy (a child of the topic) must let End User Messaging publish before the destination exists.
    configurationSet.node.addDependency(topic);
    return {
      configurationSet,
      configurationSetName: configurationSet.ref,
      configurationSetArn: configurationSet.attrArn,
      topic,
      key,
    };
  }

  /** ses:SendEmail as the sender identity through the configuration set (the only resources SES checks here). */
  grantSendEmail(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.senderIdentityArn,
          ...(this.senderAddressArn ? [this.senderAddressArn] : []),
          this.configurationSetArn,
          ...this.recipientIdentityArns,
        ],
      }),
    );
  }

  /**
   * sms-voice:SendTextMessage from the configured origination identity through the SMS
   * configuration set (IAM evaluates the configuration set named in the call too); nothing when
   * SMS is not configured.
   */
  grantSendSms(grantee: iam.IGrantable): boolean {
    if (!this.smsIdentityArn) return false;
    const resources = [this.smsIdentityArn, ...(this.smsFeedback ? [this.smsFeedback.configurationSetArn] : [])];
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources }));
    return true;
  }
}

/**
 * The adapters every handler uses, built once per Lambda module on first use (so tests and the
 * local stack can set the environment before) and then shared by every invocation.
 * Config: TABLE_NAME, BUCKET_NAME, STATE_MACHINE_ARN, SES_CONFIGURATION_SET, SENDER_EMAIL,
 * SMS_ORIGINATION_IDENTITY, EVENT_BUS_NAME; endpoints from the SDK's AWS_ENDPOINT_URL_<SERVICE>.
 */
import { DynamoStore } from '../../adapters/dynamo-store.js';
import { SesMailer, senderEmail } from '../../adapters/ses-mailer.js';
import { PinpointSmsSender } from '../../adapters/sms-sender.js';
import { SfnWorkflow } from '../../adapters/sfn-workflow.js';
import { EventBridgeEvents } from '../../adapters/eventbridge-events.js';
import { S3Blobs } from '../../adapters/s3-blobs.js';
import { DynamoTasks } from '../../adapters/dynamo-tasks.js';

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

export const deps = {
  store: once((): DynamoStore => new DynamoStore()),
  tasks: once((): DynamoTasks => new DynamoTasks(deps.store())),
  mailer: once(() => new SesMailer()),
  sms: once(() => new PinpointSmsSender()),
  workflow: once(() => new SfnWorkflow()),
  events: once(() => new EventBridgeEvents()),
  blobs: once(() => new S3Blobs()),
  sender: once(senderEmail),
};

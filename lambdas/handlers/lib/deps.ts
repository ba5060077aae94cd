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
import { StreamReader } from '../../adapters/stream-reader.js';

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

// Separate exports, imported as a namespace (`import * as deps`), so a bundle keeps only the
// adapters (and SDK clients) its handler reaches.
export const store = /* @__PURE__ */ once((): DynamoStore => new DynamoStore());
export const tasks = /* @__PURE__ */ once((): DynamoTasks => new DynamoTasks(store()));
export const mailer = /* @__PURE__ */ once(() => new SesMailer());
export const sms = /* @__PURE__ */ once(() => new PinpointSmsSender());
export const workflow = /* @__PURE__ */ once(() => new SfnWorkflow());
export const events = /* @__PURE__ */ once(() => new EventBridgeEvents());
export const blobs = /* @__PURE__ */ once(() => new S3Blobs());
export const sender = /* @__PURE__ */ once(senderEmail);
export const streamReader = /* @__PURE__ */ once(() => new StreamReader());

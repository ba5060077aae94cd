/**
 * Deployment settings from CDK context (`cdk.json`, `cdk.context.json` or `-c key=value`), checked
 * once at synth so a typo fails before CloudFormation runs. docs/deploy.md explains every key.
 */
import type { Node } from 'constructs';

export interface SollecitoConfig {
  /** The company this deployment chases invoices for (the tenant record's id, lower-case slug). */
  readonly tenantId: string;
  /** From address of every reminder; its SES identity must be verified and out of the sandbox. */
  readonly senderEmail: string;
  /** The SES identity that covers senderEmail: the address itself or its domain. */
  readonly senderIdentity: string;
  /** false when the identity already exists in the account (verified by hand): it is referenced, not created. */
  readonly createSenderIdentity: boolean;
  /** Where the weekly ageing report goes (documented here; the tenant record carries the live list). */
  readonly financeInboxes: readonly string[];
  /** The collection agency's address (documented here; the tenant record carries the live value). */
  readonly agencyEmail?: string;
  /**
   * End User Messaging SMS origination identity: a phone number id (phone-number-…), a pool id
   * (pool-…) or the ARN of either (or of a sender id). Absent: no SMS is sent and no SMS permission granted.
   */
  readonly smsOriginationIdentity?: string;
  /** EventBridge Scheduler expression of the ageing report, read in reportTimeZone. */
  readonly reportSchedule: string;
  readonly reportTimeZone: string;
  /** Subscribed to the alarm topic (a confirmation e-mail arrives after deploy). */
  readonly alarmEmail?: string;
  /**
   * SES sandbox: recipients must be verified identities too. true creates an identity for every
   * finance inbox and the agency, and lets the functions send to them.
   */
  readonly sesSandbox: boolean;
  /**
   * The account's SES maximum send rate (messages per second; 14 is SES's starting production
   * quota) and the most reminders expected at one window opening: written reminders are spread
   * over the window from its opening at that rate (domain/timeline/send-spread.ts).
   */
  readonly sesMaxSendRate: number;
  readonly sendSpreadVolume: number;
  /** CloudWatch Logs retention of every function, the state machine and the API, in days. */
  readonly logRetentionDays: number;
  /**
   * The prefix of the Cognito sign-in domain (https://<prefix>.auth.<region>.amazoncognito.com),
   * unique in the region. Absent: `sollecito-<tenantId>-<account id>`.
   */
  readonly signInDomainPrefix?: string;
}

export const DEFAULT_CONFIG: SollecitoConfig = {
  tenantId: 'default',
  senderEmail: 'billing@example.com',
  senderIdentity: 'billing@example.com',
  createSenderIdentity: true,
  financeInboxes: [],
  reportSchedule: 'cron(0 8 ? * MON *)',
  reportTimeZone: 'Europe/Rome',
  sesSandbox: false,
  sesMaxSendRate: 14,
  sendSpreadVolume: 10_000,
  logRetentionDays: 365,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(key: string, why: string) {
    super(`context "${key}": ${why}`);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** What End User Messaging accepts as an origination identity that IAM can scope. */
const SMS_ID = /^(phone-number-[0-9a-z]+|pool-[0-9a-z]+|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|pool|sender-id)\/.+)$/;
/** What Cognito accepts as a domain prefix: lower-case letters, digits, inner dashes, none of its reserved words. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;
/** Retention values CloudWatch Logs accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const str = (node: Node, key: string): string | undefined => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ConfigError(key, `expected a string, got ${typeof v}`);
  return v.trim();
};

const email = (node: Node, key: string): string | undefined => {
  const v = str(node, key);
  if (v !== undefined && !EMAIL.test(v)) throw new ConfigError(key, `"${v}" is not an e-mail address`);
  return v;
};

const bool = (node: Node, key: string, fallback: boolean): boolean => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined) return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ConfigError(key, 'expected true or false');
};

/** A list from context: a JSON array in cdk.json, or a comma-separated string from `-c`. */
const emails = (node: Node, key: string): string[] => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!list) throw new ConfigError(key, 'expected a list of e-mail addresses');
  return list.map((x, i) => {
    const s = typeof x === 'string' ? x.trim() : '';
    if (!EMAIL.test(s)) throw new ConfigError(`${key}[${i}]`, `"${String(x)}" is not an e-mail address`);
    return s;
  });
};

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const loadConfig = (node: Node): SollecitoConfig => {
  const tenantId = str(node, 'tenantId') ?? DEFAULT_CONFIG.tenantId;
  if (!TENANT.test(tenantId)) throw new ConfigError('tenantId', 'use lower-case letters, digits and dashes (at most 63)');

  const senderEmail = email(node, 'senderEmail') ?? DEFAULT_CONFIG.senderEmail;
  const senderIdentity = str(node, 'senderIdentity') ?? senderEmail;
  const domainOf = senderEmail.slice(senderEmail.indexOf('@') + 1).toLowerCase();
  if (senderIdentity.toLowerCase() !== senderEmail.toLowerCase() && senderIdentity.toLowerCase() !== domainOf) {
    throw new ConfigError('senderIdentity', `must be ${senderEmail} or its domain ${domainOf}`);
  }

  const smsOriginationIdentity = str(node, 'smsOriginationIdentity');
  if (smsOriginationIdentity !== undefined && !SMS_ID.test(smsOriginationIdentity)) {
    throw new ConfigError(
      'smsOriginationIdentity',
      'use the phone number id (phone-number-…), the pool id (pool-…) or an ARN, so the send permission names that one resource',
    );
  }

  const reportSchedule = str(node, 'reportSchedule') ?? DEFAULT_CONFIG.reportSchedule;
  if (!/^(cron|rate|at)\(.+\)$/.test(reportSchedule)) throw new ConfigError('reportSchedule', 'expected cron(…), rate(…) or at(…)');
  const reportTimeZone = str(node, 'reportTimeZone') ?? DEFAULT_CONFIG.reportTimeZone;
  if (!isTimeZone(reportTimeZone)) throw new ConfigError('reportTimeZone', `"${reportTimeZone}" is not an IANA time zone`);

  const rawRetention: unknown = node.tryGetContext('logRetentionDays');
  const logRetentionDays = rawRetention === undefined ? DEFAULT_CONFIG.logRetentionDays : Number(rawRetention);
  if (!RETENTION_DAYS.includes(logRetentionDays)) throw new ConfigError('logRetentionDays', `one of ${RETENTION_DAYS.join(', ')}`);

  const positive = (key: 'sesMaxSendRate' | 'sendSpreadVolume'): number => {
    const raw: unknown = node.tryGetContext(key);
    const v = raw === undefined ? DEFAULT_CONFIG[key] : Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new ConfigError(key, 'expected a positive number');
    return v;
  };
  const sesMaxSendRate = positive('sesMaxSendRate');
  const sendSpreadVolume = positive('sendSpreadVolume');

  const agencyEmail = email(node, 'agencyEmail');
  const alarmEmail = email(node, 'alarmEmail');
  const signInDomainPrefix = str(node, 'signInDomainPrefix');
  if (signInDomainPrefix !== undefined && (!DOMAIN_PREFIX.test(signInDomainPrefix) || RESERVED_IN_PREFIX.test(signInDomainPrefix))) {
    throw new ConfigError('signInDomainPrefix', 'lower-case letters, digits and inner dashes, at most 63, without "aws", "amazon" or "cognito"');
  }
  if (signInDomainPrefix === undefined && RESERVED_IN_PREFIX.test(tenantId)) {
    throw new ConfigError('signInDomainPrefix', `the default sollecito-${tenantId}-<account> would contain a word Cognito reserves: set signInDomainPrefix`);
  }
  return {
    tenantId,
    senderEmail,
    senderIdentity,
    createSenderIdentity: bool(node, 'createSenderIdentity', DEFAULT_CONFIG.createSenderIdentity),
    financeInboxes: emails(node, 'financeInboxes'),
    ...(agencyEmail ? { agencyEmail } : {}),
    ...(smsOriginationIdentity ? { smsOriginationIdentity } : {}),
    reportSchedule,
    reportTimeZone,
    ...(alarmEmail ? { alarmEmail } : {}),
    sesSandbox: bool(node, 'sesSandbox', DEFAULT_CONFIG.sesSandbox),
    sesMaxSendRate,
    sendSpreadVolume,
    logRetentionDays,
    ...(signInDomainPrefix ? { signInDomainPrefix } : {}),
  };
};

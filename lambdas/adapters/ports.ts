/**
 * The ports the handlers depend on. Each has one AWS adapter in this folder; tests use the
 * real adapters against local services, or a port fake where the service cannot be run.
 */
export interface OutgoingEmail {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** SES message tags: tenant, invoice, stage (never personal data). */
  tags?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: Uint8Array }[];
}

export interface Mailer {
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface SmsSender {
  send(sms: { to: string; body: string; tags?: Record<string, string> }): Promise<{ messageId: string }>;
}

export interface Workflow {
  /** Starts an execution; an execution of the same name that already exists is not an error. */
  start(name: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Stops an execution with a cause for its history; an execution already ended is not an error. */
  stop(name: string, cause: string): Promise<void>;
}

export interface Blobs {
  get(key: string): Promise<Uint8Array>;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  presignGet(key: string, ttlSeconds: number): Promise<string>;
}

export interface DomainEvents {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

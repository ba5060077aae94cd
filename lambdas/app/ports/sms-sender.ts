/** Sends SMS (End User Messaging adapter: adapters/sms-sender.ts). */
export interface SmsSender {
  /** The longest a send call may take (ms): a send starts only while the send guard's lease covers it. */
  readonly deadlineMs: number;
  send(sms: { to: string; body: string; tags?: Record<string, string> }): Promise<{ messageId: string }>;
}

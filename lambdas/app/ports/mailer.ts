/** Sends e-mail (SES v2 adapter: adapters/ses-mailer.ts). */
export interface OutgoingEmail {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** SES message tags: tenant, invoice, stage (never personal data). */
  tags?: Record<string, string>;
  /** `contentId`: shown inline where the HTML says `cid:<contentId>` (an image), not as a file to open. */
  attachments?: { filename: string; contentType: string; content: Uint8Array; contentId?: string }[];
}

export interface Mailer {
  /** The longest a send call may take (ms): a send starts only while the send guard's lease covers it. */
  readonly deadlineMs: number;
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
}

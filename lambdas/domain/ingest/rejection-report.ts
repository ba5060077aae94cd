/**
 * The rejections of one file: every one counted, the first LIMITS.maxReportedErrors listed (a
 * person fixes the file from the list; a million identical errors would not help them). Notices
 * are what a person should know though nothing was refused (a credit note kept as the customer's
 * credit because its invoice is unknown): listed apart, never counted as rejections.
 */
import { LIMITS, type FileRejected, type Rejection } from '../parsers/types.js';

export class RejectionReport {
  readonly errors: Rejection[] = [];
  total = 0;
  readonly notices: Rejection[] = [];

  notice(...rs: Rejection[]): void {
    for (const r of rs) if (this.notices.length < LIMITS.maxReportedErrors) this.notices.push(r);
  }

  /** Something to write next to the file: a rejection or a notice. */
  get hasEntries(): boolean {
    return this.total > 0 || this.notices.length > 0;
  }

  add(...rs: Rejection[]): void {
    for (const r of rs) {
      this.total++;
      if (this.errors.length < LIMITS.maxReportedErrors) this.errors.push(r);
    }
  }

  fileError(err: FileRejected): void {
    this.add({ ...err.at, field: err.at.field ?? 'file', reason: err.reason });
  }

  /** The file was cut short at the Lambda's time limit: the records before `at` are stored. */
  stoppedAt(at: number): void {
    this.add({
      field: 'file',
      reason: `the file is too large to finish within one Lambda run: stopped after record ${at} (the records before it are stored). Split the file and upload the rest.`,
    });
  }

  /** The JSON document written next to the file (rejected/<key>.errors.json). */
  document(file: string): string {
    const notListed = this.total - this.errors.length;
    return JSON.stringify({ file, errors: this.errors, ...(notListed > 0 ? { errorsNotListed: notListed } : {}), ...(this.notices.length > 0 ? { notices: this.notices } : {}) }, null, 2);
  }
}

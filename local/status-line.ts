/**
 * `npm start`'s live line: the virtual day and what the product did so far, redrawn in place on a
 * terminal; printed once per virtual day when the output is a file or a pipe.
 */
import type { LocalStack } from './stack.js';

export interface StatusCounts {
  day: string;
  running: number;
  emails: number;
  sms: number;
  calls: number;
  holds: number;
  handoffs: number;
  answers: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const formatStatusLine = (c: StatusCounts): string =>
  [
    `day ${c.day}`,
    plural(c.running, 'invoice chased', 'invoices chased'),
    plural(c.emails, 'e-mail', 'e-mails'),
    plural(c.sms, 'SMS', 'SMS'),
    plural(c.calls, 'call queued', 'calls queued'),
    plural(c.holds, 'credit hold', 'credit holds'),
    plural(c.handoffs, 'hand-off', 'hand-offs'),
    plural(c.answers, 'customer answer', 'customer answers'),
  ].join(' · ');

export const statusOf = (stack: Pick<LocalStack, 'clock' | 'sfn' | 'ses' | 'sms' | 'events' | 'taskOutcomes'>): StatusCounts => ({
  day: stack.clock.now().toISOString().slice(0, 10),
  running: stack.sfn.list().filter((e) => e.status === 'RUNNING').length,
  emails: stack.ses.messages().length,
  sms: stack.sms.messages().length,
  calls: stack.taskOutcomes.count('phoneCall', 'queued'),
  holds: stack.taskOutcomes.count('creditHold', 'placed'),
  handoffs: stack.taskOutcomes.count('escalation', 'escalated'),
  answers: stack.events.events.filter((e) => e.detailType === 'CustomerAnswered').length,
});

export interface StatusLine {
  /** Writes a line of its own (an upload, an error) above the live line, to `to` (standard output by default). */
  print(text: string, to?: NodeJS.WritableStream): void;
  stop(): void;
}

export const startStatusLine = (read: () => StatusCounts, out: NodeJS.WriteStream, everyMs = 500): StatusLine => {
  const tty = out.isTTY === true;
  let shown = '';
  let lastDay = '';
  const draw = () => {
    const c = read();
    const line = formatStatusLine(c);
    if (tty) {
      const width = out.columns > 10 ? out.columns - 1 : line.length;
      const fitted = line.length > width ? `${line.slice(0, width - 1)}…` : line;
      if (fitted !== shown) out.write(`\r\x1b[2K${fitted}`);
      shown = fitted;
    } else if (c.day !== lastDay) {
      out.write(`${line}\n`);
    }
    lastDay = c.day;
  };
  const timer = setInterval(draw, everyMs);
  timer.unref();
  draw();
  return {
    print: (text, to = out) => {
      if (tty) out.write('\r\x1b[2K');
      to.write(text.endsWith('\n') ? text : `${text}\n`);
      if (tty) {
        shown = '';
        draw();
      }
    },
    stop: () => {
      clearInterval(timer);
      if (tty) out.write('\n');
    },
  };
};

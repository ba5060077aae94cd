import { describe, expect, it } from 'vitest';
import { formatStatusLine, startStatusLine, type StatusCounts } from '../../local/status-line.js';

const counts = (over: Partial<StatusCounts> = {}): StatusCounts => ({ day: '2026-01-12', running: 20, emails: 1, sms: 0, calls: 0, holds: 0, handoffs: 0, answers: 0, ...over });

const stream = (tty: boolean, columns = 200) => {
  const writes: string[] = [];
  const out = { isTTY: tty, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { out, writes };
};

describe("npm start's live status line", () => {
  it('says the virtual day and what happened, in words', () => {
    expect(formatStatusLine(counts({ emails: 2, calls: 1, holds: 1 }))).toBe(
      'day 2026-01-12 · 20 invoices chased · 2 e-mails · 0 SMS · 1 call queued · 1 credit hold · 0 hand-offs · 0 customer answers',
    );
  });

  it('redraws one line in place on a terminal, and keeps printed lines above it', () => {
    let c = counts();
    const { out, writes } = stream(true);
    const line = startStatusLine(() => c, out, 60_000);
    expect(writes).toEqual([`\r\x1b[2K${formatStatusLine(c)}`]);
    line.print('inbox: march.csv uploaded');
    c = counts({ day: '2026-01-13', emails: 3 });
    line.print('inbox: april.csv uploaded');
    line.stop();
    expect(writes.join('')).toBe(
      [
        `\r\x1b[2K${formatStatusLine(counts())}`,
        '\r\x1b[2Kinbox: march.csv uploaded\n',
        `\r\x1b[2K${formatStatusLine(counts())}`,
        '\r\x1b[2Kinbox: april.csv uploaded\n',
        `\r\x1b[2K${formatStatusLine(c)}`,
        '\n',
      ].join(''),
    );
  });

  it('fits the terminal width', () => {
    const { out, writes } = stream(true, 40);
    startStatusLine(() => counts(), out, 60_000).stop();
    expect(writes[0]!.replace('\r\x1b[2K', '')).toHaveLength(39);
    expect(writes[0]).toMatch(/…$/);
  });

  it('prints one line per virtual day into a file or a pipe, never escape codes', async () => {
    let c = counts();
    const { out, writes } = stream(false);
    const line = startStatusLine(() => c, out, 5);
    await new Promise((r) => setTimeout(r, 30));
    c = counts({ day: '2026-01-13', emails: 2 });
    await new Promise((r) => setTimeout(r, 30));
    line.stop();
    expect(writes).toEqual([`${formatStatusLine(counts())}\n`, `${formatStatusLine(c)}\n`]);
  });
});

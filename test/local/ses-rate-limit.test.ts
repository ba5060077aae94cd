/**
 * SES's sending rate in front of SES local (local/services/ses-rate-limit.ts), met by the production
 * SesMailer and its SDK client: 14 SendEmail calls a second go through, the 15th is refused the way
 * SES refuses it, and the mailer reads that as Sollecito.Transient (nothing left: the state
 * machine's Retry sends it later; the send guard gives the claim back meanwhile), a sending-rate
 * refusal (on the Task's last attempt the send is deferred instead).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { startSes } from '../../local/services/ses.js';
import { startSesRateLimit } from '../../local/services/ses-rate-limit.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { SendingRateExceededError } from '../../lambdas/app/task-errors.js';

const ses = await startSes();
const limit = await startSesRateLimit(ses.endpoint, 14);
// One attempt per send: the test counts what the proxy answers, not the SDK's own retry.
const mailer = new SesMailer(undefined, new SESv2Client({ endpoint: limit.endpoint, region: 'eu-south-1', maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
let now = Date.parse('2026-03-09T08:00:00.000Z');
useClock({ now: () => new Date(now) });

afterAll(async () => {
  useSystemClock();
  await limit.stop();
  await ses.stop();
});

const mail = (i: number) => ({ from: 'crediti@officinerossi.example', to: [`ap${i}@rate.example`], subject: `Promemoria ${i}`, html: '<p>x</p>', text: 'x' });
const outcomes = (from: number, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => mailer.send(mail(from + i)).then(() => 'sent', (e: unknown) => e as Error)));

describe("SES's maximum sending rate, locally", () => {
  it('lets 14 through in a second and refuses the 15th with SES’s throttling answer, read as transient', async () => {
    const before = ses.messages().length;
    const out = await outcomes(0, 20);
    const sent = out.filter((o) => o === 'sent');
    const refused = out.filter((o): o is Error => o instanceof Error);
    expect(sent).toHaveLength(14);
    expect(refused).toHaveLength(6);
    for (const e of refused) {
      expect(e.name).toBe('Sollecito.Transient');
      // Told apart from other transient errors: on a Task's last attempt the send is deferred, not failed.
      expect(e).toBeInstanceOf(SendingRateExceededError);
      expect((e as SendingRateExceededError).daily).toBe(false);
      expect((e.cause as Error).name).toBe('TooManyRequestsException');
      expect((e.cause as Error).message).toBe('Maximum sending rate exceeded.');
      expect((e.cause as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(429);
    }
    // Refused means not accepted: SES local received the 14 alone.
    expect(ses.messages().length - before).toBe(14);
    expect(limit.busiestSecond()).toBe(14);
  });

  it('the next second of the product clock has its own 14', async () => {
    now += 1_000;
    const out = await outcomes(100, 14);
    expect(out.every((o) => o === 'sent')).toBe(true);
    expect(limit.accepted()).toBe(28);
    expect(limit.throttled()).toBe(6);
  });
});

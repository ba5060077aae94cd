/**
 * The local SES answers like SES's mailbox simulator (local/services/ses.ts), and what it answers is
 * read by the production parser the delivery-events handler uses: so `npm start` and the demo walk
 * the bounce, complaint and suppression paths as AWS would.
 */
import { describe, expect, it } from 'vitest';
import { simulatorEvent } from '../../local/services/ses.js';
import { parseSesEvent } from '../../lambdas/domain/messages/delivery.js';

const mail = { messageId: 'ses-1', from: 'crediti@officinerossi.example', tags: { tenant: 't', invoice: 'I-1', stage: 'dueDate' }, at: '2026-02-16T08:00:00.000Z' };
const feedback = (to: string) => {
  const e = simulatorEvent(to, mail);
  return e && parseSesEvent(e.detail, new Date(mail.at));
};

describe("SES's mailbox simulator, locally", () => {
  it('bounces hard for bounce@ and suppressionlist@, with the +label SES allows', () => {
    expect(feedback('bounce@simulator.amazonses.com')).toMatchObject({ outcome: 'bounced', permanent: true, messageId: 'ses-1', tags: mail.tags, reason: 'Permanent/General' });
    expect(feedback('bounce+southdowns@simulator.amazonses.com')).toMatchObject({ outcome: 'bounced', permanent: true });
    expect(feedback('suppressionlist@simulator.amazonses.com')).toMatchObject({ outcome: 'bounced', permanent: true, reason: 'Permanent/Suppressed' });
  });

  it('complains for complaint@ and delivers for success@', () => {
    expect(feedback('complaint@simulator.amazonses.com')).toMatchObject({ outcome: 'complained', recipients: ['complaint@simulator.amazonses.com'] });
    expect(feedback('success@simulator.amazonses.com')).toMatchObject({ outcome: 'delivered' });
  });

  it('answers nothing for an ordinary address', () => {
    expect(simulatorEvent('payables@brightonhomegoods.example', mail)).toBeUndefined();
    expect(simulatorEvent('bounce@simulator.amazonses.com.example', mail)).toBeUndefined();
  });
});

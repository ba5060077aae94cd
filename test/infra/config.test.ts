/**
 * The deployment settings read from CDK context (infra/constructs/config.ts).
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../infra/constructs/config.js';

describe('config from CDK context', () => {
  const load = (context: Record<string, unknown>) => loadConfig(new App({ context }).node);

  it('defaults to the Monday 08:00 Europe/Rome report and no SMS', () => {
    const c = load({});
    expect(c.reportSchedule).toBe('cron(0 8 ? * MON *)');
    expect(c.reportTimeZone).toBe('Europe/Rome');
    expect(c.smsOriginationIdentity).toBeUndefined();
  });

  it('reads lists from cdk.json arrays and from -c comma strings', () => {
    expect(load({ financeInboxes: ['a@x.it', 'b@x.it'] }).financeInboxes).toEqual(['a@x.it', 'b@x.it']);
    expect(load({ financeInboxes: 'a@x.it, b@x.it' }).financeInboxes).toEqual(['a@x.it', 'b@x.it']);
    expect(load({ createSenderIdentity: 'false' }).createSenderIdentity).toBe(false);
  });

  it('rejects bad values naming the key and the reason', () => {
    expect(() => load({ senderEmail: 'billing' })).toThrow(/context "senderEmail": "billing" is not an e-mail address/);
    expect(() => load({ financeInboxes: ['ok@x.it', 'nope'] })).toThrow(/financeInboxes\[1\]/);
    expect(() => load({ reportTimeZone: 'Europe/Atlantis' })).toThrow(/reportTimeZone.*IANA/);
    expect(() => load({ smsOriginationIdentity: '+393331234567' })).toThrow(/smsOriginationIdentity.*phone number id/);
    expect(() => load({ tenantId: 'Rossi SpA' })).toThrow(ConfigError);
    expect(() => load({ senderEmail: 'a@rossi.it', senderIdentity: 'other.it' })).toThrow(/senderIdentity/);
    expect(() => load({ logRetentionDays: 10 })).toThrow(/logRetentionDays/);
  });

  it("reads the SES sending rate and the morning volume the planner spreads (SES's starting 14/s by default)", () => {
    expect(load({})).toMatchObject({ sesMaxSendRate: 14, sendSpreadVolume: 10_000 });
    expect(load({ sesMaxSendRate: '200', sendSpreadVolume: 250_000 })).toMatchObject({ sesMaxSendRate: 200, sendSpreadVolume: 250_000 });
    expect(() => load({ sesMaxSendRate: 0 })).toThrow(/sesMaxSendRate.*positive/);
    expect(() => load({ sendSpreadVolume: 'many' })).toThrow(/sendSpreadVolume.*positive/);
  });
});

/** The remembering zone gives luxon's own offsets, across the DST changes, and refuses what is no zone. */
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneOf } from '../../lambdas/domain/shared/zones.js';

describe('zones that remember their offsets', () => {
  it("answers as luxon's own zone every 15 minutes across both 2026 DST changes in Rome and New York, asked twice", () => {
    for (const name of ['Europe/Rome', 'America/New_York']) {
      const zone = zoneOf(name) as IANAZone;
      const plain = new IANAZone(name);
      for (const [from, to] of [['2026-03-07T00:00:00Z', '2026-03-30T00:00:00Z'], ['2026-10-24T00:00:00Z', '2026-11-02T00:00:00Z']] as const) {
        for (let ts = Date.parse(from); ts < Date.parse(to); ts += 15 * 60_000) {
          expect(zone.offset(ts)).toBe(plain.offset(ts));
          expect(zone.offset(ts)).toBe(plain.offset(ts));
        }
      }
    }
    // 09:00 in Rome: 08:00Z in winter, 07:00Z in summer.
    expect(DateTime.fromISO('2026-03-27T09:00', { zone: zoneOf('Europe/Rome') }).toUTC().hour).toBe(8);
    expect(DateTime.fromISO('2026-03-30T09:00', { zone: zoneOf('Europe/Rome') }).toUTC().hour).toBe(7);
  });

  it('gives one zone per name, and a name that is no zone back for luxon to refuse', () => {
    expect(zoneOf('Europe/Rome')).toBe(zoneOf('Europe/Rome'));
    expect(zoneOf('Mars/Olympus')).toBe('Mars/Olympus');
    expect(DateTime.fromJSDate(new Date(), { zone: zoneOf('Mars/Olympus') }).isValid).toBe(false);
  });
});

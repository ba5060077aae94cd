/**
 * Time zones for luxon that remember their offsets. luxon asks Intl for an IANA zone's offset at
 * every instant it converts (formatToParts: most of a plan's time, bench whatif); the planner
 * converts the same few instants (a window opening on a given day) for every invoice. The offset at
 * an exact instant never changes, so each zone keeps its answers, a bounded number of them.
 */
import { IANAZone } from 'luxon';

const REMEMBERED = 20_000;

class RememberingZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    let o = this.offsets.get(ts);
    if (o === undefined) {
      o = super.offset(ts);
      if (this.offsets.size >= REMEMBERED) this.offsets.clear();
      this.offsets.set(ts, o);
    }
    return o;
  }
}

const zones = new Map<string, RememberingZone>();

/** The zone named, remembering its offsets; a name that is no IANA zone is given back as it is, for luxon to refuse. */
export const zoneOf = (name: string): IANAZone | string => {
  const known = zones.get(name);
  if (known) return known;
  if (!IANAZone.isValidZone(name)) return name;
  const zone = new RememberingZone(name);
  zones.set(name, zone);
  return zone;
};

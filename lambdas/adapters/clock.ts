/**
 * The one clock every handler reads. In AWS it is the system clock; the local stack
 * installs its virtual clock here so a 60-day timeline plays in a minute.
 */
import type { Clock } from '../app/ports/clock.js';

export type { Clock };

const systemClock: Clock = { now: () => new Date() };
let current: Clock = systemClock;

export const clock: Clock = { now: () => current.now() };

export const useClock = (c: Clock): void => {
  current = c;
};

export const useSystemClock = (): void => {
  current = systemClock;
};

/**
 * The send spread from the deploy settings (infra/constructs/config.ts sesMaxSendRate and
 * sendSpreadVolume, set as SES_MAX_SEND_RATE and SEND_SPREAD_VOLUME on plan-timeline, on every
 * function that sends a customer e-mail (where a send SES kept refusing goes, rate-deferral.ts)
 * and on the admin API (the policy preview and the what-if show the same instants).
 * Absent or not positive: no spread, every written stage at the window's opening.
 */
import type { SendSpread } from '../domain/timeline/send-spread.js';

export const sendSpreadFromEnv = (env: NodeJS.ProcessEnv = process.env): SendSpread | undefined => {
  const ratePerSecond = Number(env.SES_MAX_SEND_RATE);
  const morningVolume = Number(env.SEND_SPREAD_VOLUME);
  return ratePerSecond > 0 && morningVolume > 0 ? { ratePerSecond, morningVolume } : undefined;
};

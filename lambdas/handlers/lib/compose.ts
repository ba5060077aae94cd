/**
 * The port groups the timeline's use cases take (app/timeline/ports.ts), wired from the
 * composition root. Each group reaches only its own adapters, so a bundle keeps what its handler uses.
 */
import { clock } from '../../adapters/clock.js';
import { sendSpreadFromEnv } from '../../adapters/send-spread-config.js';
import type { CaseDeps, MessagingDeps } from '../../app/timeline/ports.js';
import type { Observability } from '../../app/observability.js';
import * as deps from './deps.js';
import { count, logger } from './powertools.js';

export const observability = (): Observability => ({ logger, count });

export const caseDeps = (): CaseDeps => ({ invoices: deps.invoices(), customers: deps.customers(), tenants: deps.tenants(), policies: deps.policies() });

export const messagingDeps = (): MessagingDeps => ({
  ...observability(),
  invoices: deps.invoices(),
  customers: deps.customers(),
  sendGuard: deps.sendGuard(),
  bankCredits: deps.bankCredits(),
  voice: deps.voice(),
  // Built when a message first goes by that channel: a function configured without SMS never needs it.
  get mailer() {
    return deps.mailer();
  },
  get sms() {
    return deps.sms();
  },
  sender: deps.sender,
  links: deps.messageLinks(),
  clock,
  qr: deps.qrImages(),
  wording: deps.wording(),
  ...spreadFromEnv(),
});

const spreadFromEnv = (): Pick<MessagingDeps, 'sendSpread'> => {
  const sendSpread = sendSpreadFromEnv();
  return sendSpread ? { sendSpread } : {};
};

/** The messaging ports with more beside them (spreading would build the channels now: their getters would run). */
export const messagingWith = <T extends object>(extra: T): MessagingDeps & T => Object.assign(messagingDeps(), extra);

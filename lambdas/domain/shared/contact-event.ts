import { randomUUID } from 'node:crypto';
import type { ContactEvent } from '../model.js';

/** A new contact-log entry; ids sort after the timestamp in the key, so the log reads in time order. */
export const contactEvent = (e: Omit<ContactEvent, 'eventId'> & { eventId?: string }): ContactEvent => ({
  ...e,
  eventId: e.eventId ?? randomUUID(),
});

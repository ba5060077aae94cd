/**
 * Which customer changes move its stages in time: the calendar fields the planner reads (city and
 * region holidays, closures, its send window). Its open invoices are then re-planned. Pure.
 */
import type { Customer } from '../model.js';

export const CALENDAR_FIELDS = ['city', 'region', 'closures', 'sendWindow'] as const;

export const calendarChanged = (before: Customer, after: Customer): boolean =>
  CALENDAR_FIELDS.some((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null));

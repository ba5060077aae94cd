/**
 * Closures (Tenant.closures, Customer.closures): whether a local date falls in one. A recurring
 * closure ("08-08".."08-23") holds every year; one whose end comes before its start in the year
 * ("12-24".."01-06") runs across the new year. A one-off closure is two full dates. Pure.
 */
import type { Closure } from '../model.js';

const inClosure = (date: string, c: Closure): boolean => {
  if (c.from.length === 10) return c.from <= date && date <= c.to;
  const md = date.slice(5);
  return c.from <= c.to ? c.from <= md && md <= c.to : md >= c.from || md <= c.to;
};

/** The closure `date` (YYYY-MM-DD) falls in, if any. */
export const closureOn = (date: string, closures: readonly Closure[] | undefined): Closure | undefined =>
  closures?.find((c) => inClosure(date, c));

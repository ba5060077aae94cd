/** Field values as files bring them (a CSV cell, a JSON value), read the same way by every record parser. */

/** Text of a field; numbers and booleans from JSON become their text, objects are not text, blanks are absent. */
export const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
};

/** A value as a rejection shows it: its text, cut at 200 characters. */
export const shown = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** A JSON value that is an object (not an array, not null): a record's fields. */
export const isRecordObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

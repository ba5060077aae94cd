import type { RecordLocation } from '../domain/parsers/types.js';

/** Where a record sits in its file (row or element), for its rejection. */
export const at = (rec: RecordLocation): RecordLocation => ({
  ...(rec.row !== undefined ? { row: rec.row } : {}),
  ...(rec.element !== undefined ? { element: rec.element } : {}),
});

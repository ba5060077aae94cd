import type { RejectionKind } from '../domain/commands/commands.js';

/** A state that forbids the command is a conflict (409); a rule the values break, unprocessable (422). */
export const REJECTION_STATUS: Readonly<Record<RejectionKind, 409 | 422>> = { conflict: 409, rule: 422 };

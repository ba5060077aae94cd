/**
 * Bank statements for the admin API (POST /v1/bank-statements, GET /v1/bank-statements): a file
 * uploaded as it is, and what reading each file did. Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { StatementReadRecord } from '../domain/bank/statement-read.js';
import { responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

/** A file name a person would give it; the key in the bucket is made from it. */
export const StatementUploadQuery = lazySchema(() => z.strictObject({
  name: z.optional(z.string().check(z.regex(/^[\w.-]{1,100}$/, 'letters, digits, ".", "_" and "-", at most 100'))),
}));

export const StatementReceived = lazySchema(() => z
  .object({
    key: z.string(),
    format: z.enum(['camt', 'mt940', 'csv']),
    status: z.literal('received'),
    /** Where to look for what reading it did. */
    check: z.string(),
  }))
  .register(responseSchemas, { id: 'StatementReceived', description: 'The file is stored under bank/ and is read in a few seconds (GET the `check` path).' });

export const StatementListQuery = lazySchema(() => z.strictObject({
  key: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500))),
}));

export const StatementRead = StatementReadRecord
  .register(responseSchemas, { id: 'StatementRead', description: 'What reading one statement file did: credits stored (new, repeated), returns, debits and pending entries skipped, rejections, and what the matcher decided.' });

export const StatementList = lazySchema(() => z
  .object({ items: z.array(StatementRead) }))
  .register(responseSchemas, { id: 'StatementList', description: 'The statement files read, the newest first.' });

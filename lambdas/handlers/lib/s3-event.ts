/** The S3 ObjectCreated notification the document functions receive (ingest, bank-statements), parsed with zod. */
import * as z from 'zod/mini';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

export const S3Event = lazySchema(() => z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({
        bucket: z.object({ name: z.string().check(z.minLength(1)) }),
        object: z.object({
          key: z.string().check(z.minLength(1)),
          size: z.optional(z.number()),
          eTag: z.optional(z.string()),
          // Present when the bucket is versioned (it is in AWS): the version this PUT created.
          versionId: z.optional(z.string()),
          // A hex string in AWS; s3rver sends a number.
          sequencer: z.optional(z.union([z.string(), z.number()])),
        }),
      }),
    }),
  ),
}));
export type S3Event = z.infer<typeof S3Event>;

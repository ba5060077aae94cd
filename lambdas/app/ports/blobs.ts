/** Stored documents (S3 adapter: adapters/s3-blobs.ts). */
/** A stored document read as it arrives, never whole in memory. */
export interface BlobStream {
  size?: number;
  body: AsyncIterable<Uint8Array>;
}

export interface OpenOptions {
  /** One version of a versioned bucket's object: the one an ObjectCreated event announced. */
  versionId?: string;
}

export interface Blobs {
  get(key: string): Promise<Uint8Array>;
  /**
   * The document as a stream; undefined when there is none under `key` (a delete raced the caller).
   * With `versionId` (the S3 event's), that very version of it, not whatever was written since.
   */
  open(key: string, options?: OpenOptions): Promise<BlobStream | undefined>;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  presignGet(key: string, ttlSeconds: number): Promise<string>;
}

/** A key that does not exist in the bucket. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFound';
  constructor(readonly key: string) {
    super(`no object ${key}`);
  }
}

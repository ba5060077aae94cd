/** Stored documents (S3 adapter: adapters/s3-blobs.ts). */
export interface Blobs {
  get(key: string): Promise<Uint8Array>;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  presignGet(key: string, ttlSeconds: number): Promise<string>;
}

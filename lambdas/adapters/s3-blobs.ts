/**
 * Blobs port on S3: bucket from BUCKET_NAME, endpoint from AWS_ENDPOINT_URL_S3, path-style
 * addressing when S3_FORCE_PATH_STYLE=true (s3rver locally).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStream, Blobs, OpenOptions } from '../app/ports/blobs.js';
import { asTransient } from './workflow-errors.js';
import { BlobNotFoundError } from '../app/ports/blobs.js';

let shared: S3Client | undefined;
const s3Client = (): S3Client =>
  (shared ??= new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true', maxAttempts: 4 }));

export { BlobNotFoundError };

/** The key, or the asked version of it, is not there (deleted after its event). */
const GONE = new Set(['NoSuchKey', 'NoSuchVersion']);

const isByteStream = (body: unknown): body is AsyncIterable<Uint8Array> =>
  typeof body === 'object' && body !== null && Symbol.asyncIterator in body;

export class S3Blobs implements Blobs {
  constructor(
    private readonly bucket: string = process.env.BUCKET_NAME ?? '',
    private readonly client: S3Client = s3Client(),
  ) {
    if (!bucket) throw new Error('BUCKET_NAME is not set');
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new BlobNotFoundError(key);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') throw new BlobNotFoundError(key);
      throw asTransient('GetObject', err);
    }
  }

  /**
   * With a versionId, GetObject reads that version (the bucket is versioned in AWS): an event is
   * ingested with the content it announced even after a later upload of the same key. A version
   * deleted since (NoSuchVersion) is gone like a deleted key. s3rver keeps no versions and its
   * events carry none: locally the latest object is read, as before.
   */
  async open(key: string, options: OpenOptions = {}): Promise<BlobStream | undefined> {
    try {
      const version = options.versionId ? { VersionId: options.versionId } : {};
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...version }));
      if (!out.Body) return undefined;
      // The SDK's Node body is a Readable, an async iterable of Buffers (its type is a union of every runtime's stream).
      const body: unknown = out.Body;
      if (!isByteStream(body)) throw new Error(`GetObject ${key}: the body is not a stream of bytes`);
      return { ...(out.ContentLength !== undefined ? { size: out.ContentLength } : {}), body };
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof Error && GONE.has(err.name))) return undefined;
      throw asTransient('GetObject', err);
    }
  }

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (err) {
      throw asTransient('PutObject', err);
    }
  }

  /** A time-limited GET link (SigV4 query string); ttlSeconds is capped at S3's 7-day maximum. */
  presignGet(key: string, ttlSeconds: number): Promise<string> {
    const expiresIn = Math.max(1, Math.min(Math.floor(ttlSeconds), 7 * 24 * 3600));
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}

import S3rver from 's3rver';
import type { S3Event } from 'aws-lambda';
import { freePort } from './ports.js';

export const S3_LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The bucket notifications' filters in AWS: which key prefixes start an ingestion (bank/: the bank-statements function). */
export const INGEST_PREFIXES = ['invoices/', 'customers/', 'config/', 'bank/'];

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * s3rver with the documents bucket. Every ObjectCreated event under an ingest prefix is handed to
 * `onObjectCreated` in the S3 notification format, exactly like the bucket notification in AWS.
 */
export const startS3 = async (opts: {
  directory: string;
  bucket: string;
  port?: number;
  onObjectCreated: (event: S3Event) => void;
}): Promise<RunningS3> => {
  const port = opts.port ?? (await freePort());
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory: opts.directory,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [] }],
  });
  // s3rver is a Koa app: it emits each object event on itself (its typings omit the emitter).
  (server as unknown as NodeJS.EventEmitter).on('event', (event: S3Event) => {
    const records = event.Records.filter(
      (r) => r.eventName.startsWith('ObjectCreated') && INGEST_PREFIXES.some((p) => decodeKey(r.s3.object.key).startsWith(p)),
    );
    if (records.length > 0) opts.onObjectCreated({ Records: records });
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
};

const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

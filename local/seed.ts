import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ROOT } from './stack.js';

export const SEED_DIR = join(ROOT, 'local', 'seed');

const contentType = (file: string) =>
  file.endsWith('.json') ? 'application/json' : file.endsWith('.xml') ? 'application/xml' : file.endsWith('.csv') ? 'text/csv' : 'application/octet-stream';

/** Uploads a file to the documents bucket, which starts its ingestion like an S3 notification in AWS. */
export const upload = async (s3: S3Client, bucket: string, key: string, file: string): Promise<void> => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file), ContentType: contentType(file) }));
};

export const s3Client = (): S3Client => new S3Client({ forcePathStyle: true });

/**
 * The sample company: its tenant record, its customer directory, then its invoices, each step
 * ingested before the next (`settle`) so the invoices find their customers.
 */
export const seedCompany = async (opts: {
  bucket: string;
  invoicesDir?: string;
  settle: () => Promise<void>;
}): Promise<string[]> => {
  const s3 = s3Client();
  await upload(s3, opts.bucket, 'config/tenant.json', join(SEED_DIR, 'tenant.json'));
  await opts.settle();
  await upload(s3, opts.bucket, 'customers/customers.json', join(SEED_DIR, 'customers.json'));
  await opts.settle();
  const dir = opts.invoicesDir ?? join(SEED_DIR, 'invoices');
  const files = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  for (const f of files) {
    await upload(s3, opts.bucket, `invoices/${basename(f)}`, join(dir, f));
    await opts.settle();
  }
  s3.destroy();
  return files;
};

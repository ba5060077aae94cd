/**
 * The local stand-in for the Secrets Manager link key: generated on the first start and kept in
 * the data directory (mode 0600), so links in e-mails of an earlier session keep working.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const LINK_SECRET_FILE = 'link-secret';

export const localLinkSecret = (dataDir: string): string => {
  const file = join(dataDir, LINK_SECRET_FILE);
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
};

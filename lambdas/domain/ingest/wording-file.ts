/**
 * A company's wording uploaded as config/templates/<kind>.<tone>.json: one kind and tone, an object
 * with one entry per language it covers ({ "en": { "subject", "body", "sms"? }, "it": … }). Checked
 * like a PUT of the admin API (domain/messages/wording-override.ts), every language before any is
 * kept: one problem refuses the whole file and nothing already kept changes.
 */
import type { Tenant } from '../model.js';
import { checkWordingSet } from '../messages/wording-override.js';
import type { WordingOverride } from '../messages/wording.js';
import type { Rejection } from '../parsers/types.js';
import { WORDING_PREFIX } from './document-keys.js';

const NAME = /^([A-Za-z]+)\.([A-Za-z]+)\.json$/;

export type WordingFileRead = { ok: true; overrides: WordingOverride[] } | { ok: false; rejections: Rejection[] };

export const readWordingFile = (key: string, json: unknown, tenant: Tenant, now: Date): WordingFileRead => {
  const m = NAME.exec(key.slice(WORDING_PREFIX.length));
  if (!m) return { ok: false, rejections: [{ field: 'file', value: key, reason: `name the file ${WORDING_PREFIX}<kind>.<tone>.json, e.g. ${WORDING_PREFIX}preDue.firm.json` }] };
  const [, kind, tone] = m;
  const r = checkWordingSet({ kind, tone, languages: json }, tenant, now);
  if (r.ok) return { ok: true, overrides: r.overrides };
  return {
    ok: false,
    rejections: r.problems.map((p) => {
      // The file holds the languages object itself: its paths start at the language.
      const field = p.path === 'kind' || p.path === 'tone' ? 'file' : p.path.replace(/^languages\.?/, '') || 'file';
      const reason = p.path === 'kind' || p.path === 'tone' ? `the ${p.path} in the file name: ${p.why}` : p.why;
      return { field, reason };
    }),
  };
};

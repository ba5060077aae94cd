/**
 * The two settings files of config/: the tenant record (config/tenant.json), which must be this
 * deployment's tenant, and the CSV header mapping (config/csv-mapping.json).
 */
import * as z from 'zod/mini';
import { Tenant } from '../model.js';
import { CsvMappingConfig } from '../parsers/columns.js';
import { FileRejected, type Rejection } from '../parsers/types.js';

export type SettingsRead<T> = { ok: true; value: T } | { ok: false; rejections: Rejection[] };

/** The text of a settings file as JSON (a leading BOM allowed); FileRejected when it is not JSON. */
export const parseJsonFile = (text: string): unknown => {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FileRejected(`not valid JSON (${err instanceof Error ? err.message.slice(0, 160) : 'unreadable'})`);
  }
};

const issuesOf = (error: z.core.$ZodError, whole: string): Rejection[] => error.issues.map((i) => ({ field: i.path.join('.') || whole, reason: i.message }));

const givenTenantId = (json: unknown): unknown => (typeof json === 'object' && json !== null && 'tenantId' in json ? json.tenantId : undefined);

/** The tenant record a file describes; it may leave out its tenantId, never name another one. */
export const readTenantFile = (json: unknown, tenantId: string): SettingsRead<Tenant> => {
  const given = givenTenantId(json);
  if (given !== undefined && given !== tenantId) return { ok: false, rejections: [{ field: 'tenantId', value: String(given), reason: `this deployment serves tenant "${tenantId}"` }] };
  const parsed = z.safeParse(Tenant, typeof json === 'object' && json !== null ? { ...json, tenantId } : json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, rejections: issuesOf(parsed.error, 'tenant') };
};

export const readMappingFile = (json: unknown): SettingsRead<CsvMappingConfig> => {
  const parsed = z.safeParse(CsvMappingConfig, json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, rejections: issuesOf(parsed.error, 'mapping') };
};

/** The mapping as a data file reads it: an invalid mapping rejects the whole file, naming what to fix. */
export const mappingForDataFile = (json: unknown, mappingKey: string): CsvMappingConfig => {
  const parsed = z.safeParse(CsvMappingConfig, json);
  if (!parsed.success) throw new FileRejected(`${mappingKey} is not valid (${z.prettifyError(parsed.error).slice(0, 300)}): fix it, then upload this file again`);
  return parsed.data;
};

/**
 * config/policies.json: `{ "policies": [ … ] }` (or the list alone). Each policy is checked on its
 * own (app/policies/manage-policies.ts), so one refused policy does not hold the others back.
 */
export const readPoliciesFile = (json: unknown): unknown[] => {
  const list = Array.isArray(json) ? json : typeof json === 'object' && json !== null && Array.isArray((json as { policies?: unknown }).policies) ? (json as { policies: unknown[] }).policies : undefined;
  if (!list) throw new FileRejected('config/policies.json must hold { "policies": [ … ] }: a list of policies');
  if (list.length > 100) throw new FileRejected(`config/policies.json holds ${list.length} policies, at most 100`);
  return list;
};

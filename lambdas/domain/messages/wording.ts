/**
 * A company's own wording of one customer message: subject, paragraphs and SMS text for one kind
 * (the stage or one-off message, as templates/<lang>.json name them), tone and language. The
 * renderer takes the built-in words and lays an accepted override over them (mergeWording); the
 * layout (details, how to pay, contacts, terms) stays the built-in one. Pure.
 * What is accepted is checked in wording-override.ts.
 */
import * as z from 'zod/mini';
import { LANGUAGES, TONES, type Language, type Tone } from '../model.js';
import { MESSAGE_KINDS, STAGE_IDS } from '../timeline/stages.js';
import { lazySchema } from '../shared/lazy-schema.js';

/** Every kind that writes to the customer (the stages but the phone call, and the one-off messages). */
export const WORDING_KINDS = [...STAGE_IDS.filter((s) => s !== 'phoneCall'), ...MESSAGE_KINDS] as const;
export type WordingKind = (typeof WORDING_KINDS)[number];

export const WORDING_LIMITS = { subject: 200, paragraph: 2000, paragraphs: 12, sms: 480 } as const;

/** The words: what an override replaces. Without `sms`, the built-in SMS of the same kind, tone and language stays. */
export const Wording = lazySchema(() => z.object({
  subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(WORDING_LIMITS.subject)),
  body: z
    .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(WORDING_LIMITS.paragraph)))
    .check(z.minLength(1), z.maxLength(WORDING_LIMITS.paragraphs)),
  sms: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(WORDING_LIMITS.sms))),
}));
export type Wording = z.infer<typeof Wording>;

export const WordingKey = lazySchema(() => z.object({
  kind: z.enum(WORDING_KINDS),
  tone: z.enum(TONES),
  language: z.enum(LANGUAGES),
}));
export type WordingKey = z.infer<typeof WordingKey>;

export const WordingOverride = lazySchema(() => z.object({ ...WordingKey.shape, ...Wording.shape }));
export type WordingOverride = z.infer<typeof WordingOverride>;

/** The built-in words of a message, as templates/<lang>.json hold them. */
export interface BuiltInWording {
  subject: string;
  body: string[];
  sms: string;
}

/** The override of (kind, tone, language) among a tenant's, if it has one. */
export const overrideFor = (
  overrides: readonly WordingOverride[] | undefined,
  kind: string,
  tone: Tone,
  language: Language | string,
): WordingOverride | undefined => overrides?.find((o) => o.kind === kind && o.tone === tone && o.language === language);

/** The words the renderer uses: the override's where it has them, the built-in SMS where it has none. */
export const mergeWording = (builtIn: BuiltInWording, override: Wording | undefined): BuiltInWording =>
  override ? { subject: override.subject, body: [...override.body], sms: override.sms ?? builtIn.sms } : builtIn;

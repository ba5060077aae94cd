/**
 * The company's own wording for the admin API (/v1/wording…): an override as kept, what a PUT
 * sends, and the preview of a candidate on the sample invoice. Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { LANGUAGES, TONES } from '../domain/model.js';
import { Wording, WordingOverride, WORDING_KINDS } from '../domain/messages/wording.js';
import { requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const WordingParams = lazySchema(() => ({ kind: z.enum(WORDING_KINDS), tone: z.enum(TONES), language: z.enum(LANGUAGES) }));

export const WordingResource = lazySchema(() => z
  .object({ ...WordingOverride.shape, updatedAt: z.string(), updatedBy: z.string() }))
  .register(responseSchemas, {
    id: 'Wording',
    description: "The company's own subject, paragraphs and SMS of one message (kind, tone, language); without `sms`, the built-in SMS.",
  });


export const WordingList = lazySchema(() => z
  .object({ items: z.array(WordingResource) }))
  .register(responseSchemas, { id: 'WordingList', description: "Every override of the company's wording." });

export const WordingRequest = lazySchema(() => z
  .strictObject(Wording.shape))
  .register(requestSchemas, {
    id: 'WordingRequest',
    description:
      'Subject, paragraphs (each a Mustache text: only the known {{placeholders}}, escaped) and an optional SMS. A reminder names {{invoiceNumber}}, {{issueDate}}, {{dueDate}}, {{amountDue}}, {{iban}} and {{paymentReference}} (docs/wording.md).',
  });

const Rendered = lazySchema(() => z.object({ subject: z.string(), html: z.string(), text: z.string(), sms: z.string() }));

export const BuiltInWordingResource = lazySchema(() => z
  .object({ kind: z.enum(WORDING_KINDS), tone: z.enum(TONES), language: z.enum(LANGUAGES), subject: z.string(), body: z.array(z.string()), sms: z.string(), preview: Rendered }))
  .register(responseSchemas, {
    id: 'BuiltInWording',
    description: "The built-in subject, paragraphs and SMS of one message (kind, tone, language), as Mustache texts: what an override replaces, and a company's starting point; `preview`: the message they write on the sample invoice, as a customer gets it without an override.",
  });

export const WordingSaved = lazySchema(() => z
  .object({ wording: WordingResource, preview: Rendered }))
  .register(responseSchemas, { id: 'WordingSaved', description: 'The override as kept, and the message it writes on the sample invoice.' });

export const WordingDeleted = lazySchema(() => z
  .object({ kind: z.enum(WORDING_KINDS), tone: z.enum(TONES), language: z.enum(LANGUAGES), deleted: z.literal(true) }))
  .register(responseSchemas, { id: 'WordingDeleted', description: 'The override is gone: the next message of this kind, tone and language uses the built-in words.' });

export const WordingPreviewRequest = lazySchema(() => z
  .strictObject({ kind: z.enum(WORDING_KINDS), tone: z.enum(TONES), languages: z.partialRecord(z.enum(LANGUAGES), z.strictObject(Wording.shape)) }))
  .register(requestSchemas, { id: 'WordingPreviewRequest', description: 'A candidate override of one kind and tone, in every language it covers (the shape of an upload to config/templates/<kind>.<tone>.json, with kind and tone).' });

export const WordingPreview = lazySchema(() => z
  .object({ kind: z.enum(WORDING_KINDS), tone: z.enum(TONES), languages: z.partialRecord(z.enum(LANGUAGES), Rendered) }))
  .register(responseSchemas, { id: 'WordingPreview', description: 'The candidate rendered on a sample invoice (the company\'s own record, a sample customer) in every language it covers.' });

/**
 * The built-in words of one customer message (templates/<lang>.json `messages.<kind>.<tone>`):
 * what a company's override replaces, and where the console's editor starts from. Undefined for a
 * kind, tone and language the templates do not hold.
 */
import { entry, localeStrings, MissingTemplateError } from './rendering/strings.js';
import type { BuiltInWording, WordingKey } from './wording.js';

export const builtInWording = (key: WordingKey): BuiltInWording | undefined => {
  try {
    const v = entry<BuiltInWording>(localeStrings(key.language), ['messages', key.kind, key.tone]);
    return { subject: v.subject, body: [...v.body], sms: v.sms };
  } catch (err) {
    if (err instanceof MissingTemplateError) return undefined;
    throw err;
  }
};

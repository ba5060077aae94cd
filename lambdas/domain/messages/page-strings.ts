/**
 * The words of the pages a customer lands on from a reminder's links, and of the e-mail that tells
 * the finance team about an answer given there (templates/pages/<lang>.json). The markup that
 * shows them lives with the customer site (lambdas/site/pages).
 */
import en from '../../../templates/pages/en.json' with { type: 'json' };
import it from '../../../templates/pages/it.json' with { type: 'json' };
import ro from '../../../templates/pages/ro.json' with { type: 'json' };
import type { Language } from '../model.js';

export type PageStrings = typeof en;
// Type-checked: every language has every key the English file has.
const STRINGS: Record<Language, PageStrings> = { en, it, ro };
export const pageStrings = (lang: Language): PageStrings => STRINGS[lang] ?? STRINGS.en;

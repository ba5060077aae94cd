/**
 * The language of a page whose customer is not known yet (a refused link): the best of the
 * browser's Accept-Language among the languages the pages speak, else the tenant's.
 * Kept by hand rather than `negotiator`: that library ranks an exact tag above a higher q-value
 * for the same language ("it;q=0.9, en-GB, en;q=0.1" would give "it"), which would change pages.
 */
import { LANGUAGES, type Language } from '../domain/model.js';

export const negotiateLanguage = (acceptLanguage: string | undefined, fallback: Language): Language => {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: (tag ?? '').trim().slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((x) => (LANGUAGES as readonly string[]).includes(x.lang))?.lang as Language | undefined) ?? fallback;
};

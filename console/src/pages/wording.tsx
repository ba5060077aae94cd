/**
 * The company's own words for its customer messages, from a screen: which messages it rewrote
 * (GET /v1/wording), and one message (kind, tone, language) in an editor that starts from the
 * company's words or the built-in ones (GET …/built-in), previews a candidate on the sample invoice
 * (POST /v1/wording/preview, nothing kept), saves it (PUT: checked first, every problem beside the
 * form) or goes back to the built-in words (DELETE). The layout (the invoice's details, how to pay,
 * the links) is the built-in one whatever the words.
 */
import { useState } from 'preact/hooks';
import { must, type Schemas } from '../api.js';
import { ActionForm, Async, Field, Page, text } from '../components.js';
import { instant } from '../format.js';
import { href, useResource } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../session.js';
import { WORDING_KINDS, paragraphsOf, sameWords, wordsAsText } from './wording-text.js';

type Key = { kind: Schemas['WordingDeleted']['kind']; tone: Schemas['WordingDeleted']['tone']; language: Schemas['WordingDeleted']['language'] };
type Rendered = Schemas['WordingSaved']['preview'];

const TONES: readonly Key['tone'][] = ['gentle', 'standard', 'firm'];
const LANGUAGES: readonly Key['language'][] = ['it', 'en', 'ro'];

const isKey = (k: Partial<Record<keyof Key, string>>): k is Key =>
  (WORDING_KINDS as readonly string[]).includes(k.kind ?? '') && (TONES as readonly string[]).includes(k.tone ?? '') && (LANGUAGES as readonly string[]).includes(k.language ?? '');

export const WordingListPage = () => {
  const s = useSession();
  const { t, tx, locale } = useI18n();
  const list = useResource(() => must(s.api.GET('/v1/wording')), []);
  return (
    <Page title={t('wording.title')}>
      <p>{t('wording.intro')}</p>
      <Async resource={list}>
        {(l) => (
          <section aria-labelledby="own-h">
            <h2 id="own-h">{t('wording.own')}</h2>
            {l.items.length === 0 ? (
              <p>{t('wording.noneOwn')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('wording.kind')}</th>
                    <th scope="col">{t('policies.tone')}</th>
                    <th scope="col">{t('customer.language')}</th>
                    <th scope="col">{t('wording.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {l.items.map((w) => (
                    <tr key={`${w.kind}/${w.tone}/${w.language}`}>
                      <td>
                        <a href={href('wording', w.kind, w.tone, w.language)}>{tx('kind', w.kind)}</a>
                      </td>
                      <td>{tx('tone', w.tone)}</td>
                      <td>{tx('language', w.language)}</td>
                      <td>{instant(locale, w.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}
      </Async>
      <section aria-labelledby="open-h">
        <h2 id="open-h">{t('wording.open')}</h2>
        <ActionForm
          title={t('wording.open')}
          submit={t('common.open')}
          inline
          keepValues
          run={async (f) => {
            const key = { kind: text(f, 'kind'), tone: text(f, 'tone'), language: text(f, 'language') };
            if (!isKey(key)) throw new Error(t('wording.pick'));
            location.hash = href('wording', key.kind, key.tone, key.language);
            return t('common.open');
          }}
        >
          <Field label={t('wording.kind')}>
            {(id) => (
              <select id={id} name="kind">
                {WORDING_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {tx('kind', k)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('policies.tone')}>
            {(id) => (
              <select id={id} name="tone">
                {TONES.map((x) => (
                  <option key={x} value={x} selected={x === 'standard'}>
                    {tx('tone', x)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('customer.language')}>
            {(id) => (
              <select id={id} name="language">
                {LANGUAGES.map((x) => (
                  <option key={x} value={x}>
                    {tx('language', x)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </ActionForm>
      </section>
    </Page>
  );
};

export const WordingPage = ({ kind, tone, language }: Partial<Record<keyof Key, string>>) => {
  const s = useSession();
  const { t, tx } = useI18n();
  const key = { kind, tone, language };
  const view = useResource(async () => {
    if (!isKey(key)) throw new Error(t('wording.pick'));
    // The override from the list (one Query), not GET …/{language}: its 404 for "none" is the usual case here.
    const [list, builtIn] = await Promise.all([must(s.api.GET('/v1/wording')), must(s.api.GET('/v1/wording/{kind}/{tone}/{language}/built-in', { params: { path: key } }))]);
    const own = list.items.find((w) => w.kind === key.kind && w.tone === key.tone && w.language === key.language);
    return { key, own, builtIn };
  }, [kind, tone, language]);
  const title = isKey(key) ? t('wording.message', { kind: tx('kind', key.kind), tone: tx('tone', key.tone), language: tx('language', key.language) }) : t('wording.title');
  return (
    <Page title={title}>
      <p>
        <a href={href('wording')}>{t('wording.back')}</a>
      </p>
      <Async resource={view}>{(v) => <Editor key={`${v.key.kind}/${v.key.tone}/${v.key.language}/${v.own?.updatedAt ?? 'built-in'}`} wordKey={v.key} own={v.own} builtIn={v.builtIn} onSaved={view.reload} />}</Async>
    </Page>
  );
};

const Editor = ({ wordKey, own, builtIn, onSaved }: { wordKey: Key; own: Schemas['Wording'] | undefined; builtIn: Schemas['BuiltInWording']; onSaved: () => Promise<void> }) => {
  const s = useSession();
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [preview, setPreview] = useState<Rendered>();
  const start = own ?? builtIn;
  const onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const action = (e.submitter as HTMLButtonElement | null)?.value ?? 'preview';
    const sms = text(f, 'sms');
    const words = { subject: text(f, 'subject') ?? '', body: paragraphsOf(String(f.get('body') ?? '')), ...(sms ? { sms } : {}) };
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      if (action === 'save') {
        const saved = await must(s.api.PUT('/v1/wording/{kind}/{tone}/{language}', { params: { path: wordKey }, body: words }));
        setPreview(saved.preview);
        setDone(t('wording.saved'));
        await onSaved();
      } else if (sameWords(words, builtIn)) {
        // The built-in words as they are: the message a customer gets today (the override check would ask for more).
        setPreview(builtIn.preview);
        setDone(t('wording.asSentToday'));
      } else {
        const out = await must(s.api.POST('/v1/wording/preview', { body: { kind: wordKey.kind, tone: wordKey.tone, languages: { [wordKey.language]: words } } }));
        setPreview(out.languages[wordKey.language]);
        setDone(t('wording.previewed'));
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>{own ? t('wording.usesOwn', { when: instant(locale, own.updatedAt) }) : t('wording.usesBuiltIn')}</p>
      <form class="action-form" aria-label={t('wording.editor')} onSubmit={(e) => void onSubmit(e as SubmitEvent)}>
        <Field label={t('wording.subject')}>{(id) => <input id={id} name="subject" required maxLength={200} defaultValue={start.subject} />}</Field>
        <Field label={t('wording.body')} hint={t('wording.bodyHint')}>
          {(id, hint) => <textarea id={id} name="body" rows={12} class="code" required aria-describedby={hint} defaultValue={wordsAsText(start.body)} />}
        </Field>
        <Field label={`${t('wording.sms')} ${t('common.optional')}`} hint={t('wording.smsHint')}>
          {(id, hint) => <textarea id={id} name="sms" rows={3} maxLength={480} aria-describedby={hint} defaultValue={own ? (own.sms ?? '') : builtIn.sms} />}
        </Field>
        <div class="buttons">
          <button type="submit" name="action" value="preview" class="secondary" disabled={busy} aria-disabled={busy}>
            {t('wording.preview')}
          </button>
          {s.user.canWrite && (
            <button type="submit" name="action" value="save" disabled={busy} aria-disabled={busy}>
              {t('common.save')}
            </button>
          )}
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="done" role="status">
          {done}
        </p>
      </form>
      {own && s.user.canWrite && (
        <ActionForm
          title={t('wording.reset')}
          submit={t('wording.reset')}
          inline
          onDone={onSaved}
          run={async () => {
            await must(s.api.DELETE('/v1/wording/{kind}/{tone}/{language}', { params: { path: wordKey } }));
            return t('wording.resetDone');
          }}
        />
      )}
      {preview && (
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">{t('wording.onSample')}</h2>
          <dl class="facts">
            <dt>{t('wording.subject')}</dt>
            <dd class="preview-subject">{preview.subject}</dd>
            <dt>{t('wording.sms')}</dt>
            <dd class="preview-sms">{preview.sms}</dd>
          </dl>
          <pre class="preview-text">{preview.text}</pre>
        </section>
      )}
    </>
  );
};

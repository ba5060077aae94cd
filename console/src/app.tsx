/** The shell: header with navigation, language and sign-out; the page of the hash route. */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { href, useRoute } from './hooks.js';
import { I18nContext, LANGUAGE_NAMES, LANGUAGES, isLang, makeI18n, rememberLang, useI18n, type Lang } from './i18n/index.js';
import { Announcer, Loading } from './components.js';
import { SessionContext, type Session } from './session.js';
import { TodayPage } from './pages/today.js';
import { InvoicePage } from './pages/invoice.js';
import { CustomerPage } from './pages/customer.js';
import { PoliciesPage, PolicyPage } from './pages/policies.js';
import { WordingListPage, WordingPage } from './pages/wording.js';

/** The ageing page and its chart library load only when opened: the first load stays small. */
const AgeingLazy = () => {
  const [Page, setPage] = useState<ComponentType | undefined>();
  useEffect(() => {
    void import('./pages/ageing.js').then((m) => setPage(() => m.AgeingPage));
  }, []);
  return Page ? <Page /> : <Loading />;
};

const Header = ({ session, onLang }: { session: Session; onLang: (l: Lang) => void }) => {
  const { t, lang } = useI18n();
  const route = useRoute();
  const current = (name: string) => ((route[0] ?? 'today') === name ? 'page' : undefined);
  return (
    <header class="top">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('app.skip')}
      </a>
      <span class="brand">{t('app.name')}</span>
      <nav aria-label={t('nav.label')}>
        <ul>
          <li>
            <a href={href('today')} aria-current={current('today')}>
              {t('nav.today')}
            </a>
          </li>
          <li>
            <a href={href('ageing')} aria-current={current('ageing')}>
              {t('nav.ageing')}
            </a>
          </li>
          <li>
            <a href={href('policies')} aria-current={current('policies')}>
              {t('nav.policies')}
            </a>
          </li>
          <li>
            <a href={href('wording')} aria-current={current('wording')}>
              {t('nav.wording')}
            </a>
          </li>
        </ul>
      </nav>
      <div class="who">
        <label class="lang">
          <span>{t('nav.language')}</span>
          <select value={lang} onChange={(e) => isLang(e.currentTarget.value) && onLang(e.currentTarget.value)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <span class="user">
          {t('nav.signedInAs', { email: session.user.email })}
          {!session.user.canWrite && <span class="badge"> ({t('nav.readOnly')})</span>}
        </span>
        <button type="button" class="secondary" onClick={() => void session.auth.signOut()}>
          {t('nav.signOut')}
        </button>
      </div>
    </header>
  );
};

const Routes = () => {
  const route = useRoute();
  const [name, id] = route;
  // A page per route, keyed so that opening another invoice starts from a fresh page.
  if (name === 'invoices' && id) return <InvoicePage key={id} invoiceId={id} />;
  if (name === 'customers' && id) return <CustomerPage key={id} customerId={id} />;
  if (name === 'ageing') return <AgeingLazy />;
  if (name === 'policies' && id) return <PolicyPage key={id} policyId={id} />;
  if (name === 'policies') return <PoliciesPage />;
  if (name === 'wording' && id) return <WordingPage key={route.join('/')} kind={id} tone={route[2]} language={route[3]} />;
  if (name === 'wording') return <WordingListPage />;
  return <TodayPage />;
};

export const App = ({ session, initialLang }: { session: Session; initialLang: Lang }) => {
  const [lang, setLang] = useState<Lang>(initialLang);
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const change = (l: Lang) => {
    rememberLang(l);
    setLang(l);
  };
  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        <Header session={session} onLang={change} />
        <main id="main" tabIndex={-1}>
          <Announcer />
          <Routes />
        </main>
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
};

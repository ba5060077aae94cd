/**
 * The finance console's entry: read config.json, finish or start the sign-in (authorization code
 * with PKCE), learn the business day from the API, then show the shell.
 */
import { render, type ComponentChild } from 'preact';
import { makeApi, must } from './api.js';
import { App } from './app.js';
import { Auth } from './auth.js';
import { loadConfig } from './config.js';
import { I18nContext, initialLang, makeI18n } from './i18n/index.js';
import { makeCustomerNames, type Session } from './session.js';
import './styles.css';

const root = document.getElementById('app')!;

const Message = ({ title, text, action }: { title: string; text?: string; action?: { label: string; run: () => void } }) => (
  <main id="main">
    <h1>{title}</h1>
    {text && <p>{text}</p>}
    {action && (
      <button type="button" onClick={action.run}>
        {action.label}
      </button>
    )}
  </main>
);

const boot = async () => {
  const lang = initialLang();
  const i18n = makeI18n(lang);
  document.documentElement.lang = lang;
  const { t } = i18n;
  const show = (node: ComponentChild) => render(<I18nContext.Provider value={i18n}>{node}</I18nContext.Provider>, root);
  let auth: Auth | undefined;
  try {
    const config = await loadConfig();
    auth = new Auth(config);
    const signedIn = await auth.start();
    if (signedIn === 'signed-out') {
      document.title = `${t('signedOut.title')} · ${t('app.name')}`;
      const a = auth;
      show(<Message title={t('signedOut.title')} text={t('signedOut.text')} action={{ label: t('signin.again'), run: () => void a.signIn() }} />);
      return;
    }
    const api = makeApi(config.apiBase, auth);
    const queue = await must(api.GET('/v1/calls'));
    const session: Session = {
      api,
      auth,
      user: signedIn,
      config,
      today: queue.day,
      timeZone: queue.timeZone,
      customerName: makeCustomerNames(api),
    };
    render(<App session={session} initialLang={lang} />, root);
  } catch (err) {
    const a = auth;
    document.title = `${t('signin.again')} · ${t('app.name')}`;
    show(<Message title={t('signin.failed', { message: (err as Error).message })} {...(a ? { action: { label: t('signin.again'), run: () => void a.signIn() } } : {})} />);
  }
};

void boot();

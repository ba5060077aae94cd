/**
 * Sign-in with the OAuth 2.0 authorization-code flow and PKCE (RFC 7636) against Cognito managed
 * login in AWS, or the local stack's stand-in on a laptop (the same endpoints: /oauth2/authorize,
 * /oauth2/token, /oauth2/revoke, /logout). The ID token is the API's bearer token (it carries the
 * e-mail and the cognito:groups the API checks); it is refreshed with the refresh token a minute
 * before it expires, or once when the API answers 401. Tokens live in sessionStorage: closing the
 * tab ends the session.
 */
import type { ConsoleConfig } from './config.js';

const SESSION = 'sollecito.session';
const PENDING = 'sollecito.signin';
const SIGNED_OUT = 'sollecito.signedOut';
const REFRESH_MARGIN_MS = 60_000;

interface Session {
  idToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

interface Pending {
  state: string;
  verifier: string;
  /** The page the user was on (the hash route), restored after the round trip. */
  hash: string;
}

export interface User {
  sub: string;
  email: string;
  groups: string[];
  /** In the finance group: may change things. Viewers only read. */
  canWrite: boolean;
}

const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (bytes = 32): string => b64url(crypto.getRandomValues(new Uint8Array(bytes)));
const challengeOf = async (verifier: string): Promise<string> => b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** The claims of a JWT's payload (not verified here: the API verifies every token it receives). */
const claimsOf = (jwt: string): Record<string, unknown> => {
  const part = jwt.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(decodeURIComponent([...json].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''))) as Record<string, unknown>;
  } catch {
    return {};
  }
};

const groupsOf = (raw: unknown): string[] => (Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean) : []);

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export class Auth {
  private refreshing?: Promise<boolean>;

  constructor(private readonly cfg: ConsoleConfig) {}

  /** Where the sign-in and sign-out come back to: this page, without query or hash (registered as the app client's callback URL). */
  get redirectUri(): string {
    return `${location.origin}${location.pathname}`;
  }

  /**
   * Finishes a sign-in coming back with ?code=…, or answers the session already there. Without
   * one it starts the sign-in (the page navigates away) unless the user has just signed out.
   */
  async start(): Promise<User | 'signed-out'> {
    const params = new URLSearchParams(location.search);
    if (params.has('code') || params.has('error')) {
      const hash = await this.finishSignIn(params);
      history.replaceState(null, '', `${location.pathname}${hash}`);
    }
    const user = this.user();
    if (user) return user;
    if (sessionStorage.getItem(SIGNED_OUT)) return 'signed-out';
    await this.signIn(params.get('login_hint') ?? undefined);
    return new Promise<never>(() => undefined);
  }

  user(): User | undefined {
    const s = this.session();
    if (!s) return undefined;
    const c = claimsOf(s.idToken);
    const groups = groupsOf(c['cognito:groups']);
    return { sub: String(c.sub ?? ''), email: String(c.email ?? c['cognito:username'] ?? c.sub ?? ''), groups, canWrite: groups.includes('finance') || groups.includes('admin') };
  }

  async signIn(loginHint?: string): Promise<void> {
    sessionStorage.removeItem(SIGNED_OUT);
    const pending: Pending = { state: randomString(), verifier: randomString(48), hash: location.hash };
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: this.cfg.clientId,
      redirect_uri: this.redirectUri,
      scope: this.cfg.scopes,
      state: pending.state,
      code_challenge: await challengeOf(pending.verifier),
      code_challenge_method: 'S256',
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    location.assign(`${this.cfg.authority}/oauth2/authorize?${q}`);
  }

  /** The ID token to send, refreshed first when it is about to expire. */
  async token(): Promise<string> {
    const s = this.session();
    if (s && s.expiresAt - Date.now() > REFRESH_MARGIN_MS) return s.idToken;
    if (await this.refresh()) return this.session()!.idToken;
    await this.signIn();
    throw new SignInError('signing in again');
  }

  /** A new ID token from the refresh token; false when there is none or it was refused. One at a time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const s = this.session();
      if (!s?.refreshToken) return false;
      try {
        const out = await this.tokenRequest({ grant_type: 'refresh_token', client_id: this.cfg.clientId, refresh_token: s.refreshToken });
        this.store({ idToken: out.id_token, refreshToken: out.refresh_token ?? s.refreshToken, expiresAt: Date.now() + out.expires_in * 1000 });
        return true;
      } catch {
        sessionStorage.removeItem(SESSION);
        return false;
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Revokes the refresh token, forgets the session and ends the sign-in domain's session too. */
  async signOut(): Promise<void> {
    const s = this.session();
    if (s?.refreshToken) {
      await fetch(`${this.cfg.authority}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: s.refreshToken, client_id: this.cfg.clientId }),
      }).catch(() => undefined);
    }
    sessionStorage.removeItem(SESSION);
    sessionStorage.setItem(SIGNED_OUT, '1');
    location.assign(`${this.cfg.authority}/logout?${new URLSearchParams({ client_id: this.cfg.clientId, logout_uri: this.redirectUri })}`);
  }

  private async finishSignIn(params: URLSearchParams): Promise<string> {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as Pending | null;
    sessionStorage.removeItem(PENDING);
    if (params.has('error')) throw new SignInError(params.get('error_description') ?? params.get('error') ?? 'sign-in refused');
    if (!pending || pending.state !== params.get('state')) throw new SignInError('the sign-in answer does not match the request (state)');
    const out = await this.tokenRequest({
      grant_type: 'authorization_code',
      client_id: this.cfg.clientId,
      code: params.get('code') ?? '',
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
    this.store({ idToken: out.id_token, ...(out.refresh_token ? { refreshToken: out.refresh_token } : {}), expiresAt: Date.now() + out.expires_in * 1000 });
    return pending.hash;
  }

  private async tokenRequest(form: Record<string, string>): Promise<{ id_token: string; refresh_token?: string; expires_in: number }> {
    const res = await fetch(`${this.cfg.authority}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const body = (await res.json().catch(() => ({}))) as { id_token?: string; refresh_token?: string; expires_in?: number; error?: string };
    if (!res.ok || !body.id_token) throw new SignInError(body.error ?? `token endpoint: HTTP ${res.status}`);
    return { id_token: body.id_token, ...(body.refresh_token ? { refresh_token: body.refresh_token } : {}), expires_in: body.expires_in ?? 3600 };
  }

  private session(): Session | undefined {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null') as Session | null;
      return s && typeof s.idToken === 'string' ? s : undefined;
    } catch {
      return undefined;
    }
  }

  private store(s: Session): void {
    sessionStorage.setItem(SESSION, JSON.stringify(s));
  }
}

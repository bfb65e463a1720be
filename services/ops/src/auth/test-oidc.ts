// For tests only (this service's login tests, and tests/ as `@switchboard/ops/testing`): a real OpenID
// provider on loopback (oidc-provider with its development login form) and a browser's part
// (cookies per origin, following redirects by hand) driven with fetch.
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '@switchboard/testkit';

/** A running local OpenID provider. */
export interface LocalProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
}

/** What the provider says about an account: its claims are the account id's entry, or none. */
export type Accounts = Record<string, Record<string, unknown>>;

/** Starts oidc-provider for one confidential client with `redirectUrl`; PKCE required. */
export async function startLocalProvider(redirectUrl: string, accounts: Accounts): Promise<LocalProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'ops-console';
  const clientSecret = 'local-provider-client-secret-0123456789';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUrl], response_types: ['code'],
      grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post',
      post_logout_redirect_uris: [new URL('/auth/logout', redirectUrl).href] }],
    claims: { openid: ['sub'], switchboard: ['role', 'domain', 'teams'] },
    // The role and domain in the ID token itself (ops reads them there), not only from userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['local-provider-cookie-key-0123456789'] },
    findAccount: (_ctx: unknown, id: string) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) } : undefined),
  });
  const server: Server = await new Promise((resolve) => { const s = provider.listen(port, '127.0.0.1', () => resolve(s)); });
  return { issuer, clientId, clientSecret, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** A browser's cookie jar and redirect-following, per origin (ports apart), enough for the login flow. */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** One request with this origin's cookies; keeps what it sets. Never follows redirects. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.jars.get(target.origin) ?? new Map<string, string>();
    this.jars.set(target.origin, jar);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** The cookie `name` this browser holds for `origin`. */
  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).origin)?.get(name);
  }

  /** Sets a cookie by hand (a copied cookie, a tampered one). */
  setCookie(origin: string, name: string, value: string): void {
    const jar = this.jars.get(new URL(origin).origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(new URL(origin).origin, jar);
  }

  /** Follows redirects from `url` while `until` says go on; resolves the last response and its URL. */
  async follow(url: string | URL, stop: (url: URL) => boolean, init?: RequestInit): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    let response = await this.fetch(current, init);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 20; hops++) {
      current = new URL(response.headers.get('location')!, current);
      if (stop(current)) return { response, url: current };
      response = await this.fetch(current);
    }
    return { response, url: current };
  }

  /**
   * Completes the provider's development login as `account` and its consent, starting from the
   * provider URL ops redirected to; resolves the callback URL the provider sends the browser to.
   */
  async signInAtProvider(authorizationUrl: URL, account: string, callbackPrefix: string): Promise<URL> {
    let next: URL = authorizationUrl;
    for (let step = 0; step < 6; step++) {
      const { url } = await this.follow(next, (u) => u.pathname.startsWith('/interaction/') || u.href.startsWith(callbackPrefix));
      if (url.href.startsWith(callbackPrefix)) return url;
      const page = await (await this.fetch(url)).text();
      const prompt = page.includes('name="prompt" value="consent"') ? 'consent' : 'login';
      const body = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt });
      const posted = await this.fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      next = new URL(posted.headers.get('location')!, url);
      if (next.href.startsWith(callbackPrefix)) return next;
    }
    throw new Error('the provider did not send the browser back');
  }
}

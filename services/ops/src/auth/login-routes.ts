import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { invalidArgument, isOpsError, OPS_ERROR_CODES, permissionDenied, unauthenticated } from '../errors.js';
import { sendError } from '../http/errors.js';
import type { OpsAuthConfig } from './auth-config.js';
import { page } from './pages.js';
import { SESSION_COOKIE, sameSecret, sessionOf } from './session-cookie.js';
import type { LoginTransaction, OidcLogin } from './oidc.js';
import { authorize, type OpsPrincipal } from './principal.js';
import type { SessionStore } from './session-store.js';

/** The signed cookie holding a login in progress (state, nonce, PKCE verifier) for ten minutes. */
const LOGIN_COOKIE = 'sb_ops_login';
const LOGIN_TTL_SECONDS = 600;

interface LoginRouteDeps {
  readonly config: OpsAuthConfig;
  readonly domain: string;
  readonly oidc?: OidcLogin;
  readonly sessions?: SessionStore;
  readonly logger: Logger;
}

/** A path on this console to return to after login; anything else (another origin, `//host`) is `/`. */
function localPath(value: unknown): string {
  // Browsers drop tabs and newlines in URLs and read `\` as `/`: `/\t/evil` would become `//evil`.
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && ![...value].some((c) => c === '\\' || c.charCodeAt(0) <= 0x20) ? value : '/';
}

/**
 * `/auth/login` → the provider → `/auth/callback` (authorization code with PKCE, state and nonce
 * checked), `/auth/session` (who is logged in, and the CSRF token), `/auth/logout` (a page with
 * the button, and the POST that ends the session), and `/auth/dev-login` (the launcher's one-time link).
 * Cookies are HttpOnly, SameSite=Lax (the callback is a cross-site top-level redirect, which
 * Strict would strip) and Secure when the console is reached over https.
 */
export function registerLoginRoutes(app: FastifyInstance, deps: LoginRouteDeps): void {
  const log = deps.logger.child({ component: 'login' });
  const secure = deps.config.oidc?.redirectUrl.protocol === 'https:';
  const cookie = (maxAge: number, path = '/'): CookieSerializeOptions => ({ path, httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge });
  const fail = (reply: FastifyReply, error: unknown) => {
    if (isOpsError(error) && (error.code === OPS_ERROR_CODES.unauthenticated || error.code === OPS_ERROR_CODES.permissionDenied)) {
      const status = error.code === OPS_ERROR_CODES.unauthenticated ? 401 : 403;
      return reply.code(status).type('text/html; charset=utf-8').send(page('Login refused', error.message, { href: '/auth/login', label: 'Start again' }));
    }
    return sendError(reply, error, log);
  };
  // Returns nothing: a FastifyReply is thenable (it resolves once sent), so awaiting one here would never end.
  const startSession = async (reply: FastifyReply, principal: OpsPrincipal, idToken?: string): Promise<void> => {
    const reader = authorize(principal, deps.domain);
    const { id } = await deps.sessions!.create(reader, idToken);
    log.info({ subject: reader.subject, role: reader.role, via: reader.via }, 'console login');
    reply.setCookie(SESSION_COOKIE, id, cookie(deps.sessions!.ttlSeconds));
  };
  // Form posts (the logout button) arrive urlencoded; only this small parser, no extra plugin.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4_096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

  app.get<{ Querystring: { return?: string } }>('/auth/login', async (request, reply) => {
    if (!deps.oidc) return sendError(reply, invalidArgument('login', 'this ops has no OIDC login configured (OPS_OIDC_ISSUER…)'), log);
    const { url, transaction } = await deps.oidc.begin(localPath(request.query.return));
    reply.setCookie(LOGIN_COOKIE, JSON.stringify(transaction), cookie(LOGIN_TTL_SECONDS, '/auth'));
    return reply.redirect(url.href, 302);
  });

  app.get('/auth/callback', async (request, reply) => {
    try {
      if (!deps.oidc) throw invalidArgument('login', 'this ops has no OIDC login configured');
      const raw = request.cookies[LOGIN_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      // The transaction is good once: cleared whatever happens next.
      reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
      if (!unsigned?.valid || !unsigned.value) throw unauthenticated('no login in progress in this browser (or it took over 10 minutes)');
      const transaction = JSON.parse(unsigned.value) as LoginTransaction;
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const { principal, idToken } = await deps.oidc.complete(query, transaction);
      await startSession(reply, principal, idToken);
      return reply.redirect(localPath(transaction.returnTo), 302);
    } catch (error) {
      return fail(reply, error);
    }
  });

  let devLoginUsed = false;
  app.get<{ Querystring: { token?: string } }>('/auth/dev-login', async (request, reply) => {
    if (!deps.config.devLoginToken) return reply.code(404).send({ error: { code: 'OPS.NOT_FOUND', message: 'no dev login here (pnpm start only)' } });
    try {
      if (devLoginUsed) throw unauthenticated('this one-time dev login link was used already; restart `pnpm start` for a new one');
      if (!sameSecret(request.query.token ?? '', deps.config.devLoginToken)) throw unauthenticated('this dev login link is not the one pnpm start printed');
      devLoginUsed = true;
      // Every team: the developer on their own checkout supervises the whole domain (the console's controls need teams).
      await startSession(reply, { subject: 'developer', role: 'supervisor', domain: deps.domain, teams: ['*'], via: 'dev' });
      return reply.redirect('/', 302);
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/auth/session', async (request, reply) => {
    const found = await sessionOf(request, deps.sessions);
    if (!found) return sendError(reply, unauthenticated('not logged in'), log);
    const { principal, csrf, expiresAtMs } = found.session;
    return { subject: principal.subject, role: principal.role, domain: principal.domain, via: principal.via, csrfToken: csrf, expiresAt: new Date(expiresAtMs).toISOString() };
  });

  app.get('/auth/logout', async (request, reply) => {
    const found = await sessionOf(request, deps.sessions);
    if (!found) return reply.type('text/html; charset=utf-8').send(page('Logged out', 'You are not logged in to the ops console.', { href: '/', label: 'Log in' }));
    const form = `<form method="post" action="/auth/logout"><input type="hidden" name="csrf" value="${found.session.csrf}"><button>Log out</button></form>`;
    return reply.type('text/html; charset=utf-8').send(page('Log out', `Logged in as ${found.session.principal.subject}.`, undefined, form));
  });

  app.post<{ Body: { csrf?: string } | undefined }>('/auth/logout', async (request, reply) => {
    const found = await sessionOf(request, deps.sessions);
    if (!found) return sendError(reply, unauthenticated('not logged in'), log);
    const sent = request.headers['x-csrf-token'] ?? request.body?.csrf;
    if (typeof sent !== 'string' || !sameSecret(sent, found.session.csrf)) return sendError(reply, permissionDenied('x-csrf-token header (or csrf field) missing or wrong'), log);
    await deps.sessions!.delete(found.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const after = deps.config.oidc ? new URL('/auth/logout', deps.config.oidc.redirectUrl) : undefined;
    const provider = after ? deps.oidc?.logoutUrl(found.session.idToken, after) : undefined;
    log.info({ subject: found.session.principal.subject }, 'console logout');
    const location = provider?.href ?? '/auth/logout';
    return request.headers.accept?.includes('application/json') ? { loggedOut: true, location } : reply.redirect(location, 303);
  });
}

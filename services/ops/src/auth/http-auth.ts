import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isOpsError, OPS_ERROR_CODES, permissionDenied, unauthenticated } from '../errors.js';
import { sendError } from '../http/errors.js';
import type { OpsAuthConfig } from './auth-config.js';
import type { BearerAuthenticator } from './bearer.js';
import { registerLoginRoutes } from './login-routes.js';
import type { OidcLogin } from './oidc.js';
import { authorize, type OpsReader } from './principal.js';
import { page } from './pages.js';
import { sameSecret, sessionOf } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authorized caller of an `/api/*` request (set before the handler runs). */
    reader?: OpsReader;
  }
}

/** What the HTTP auth needs; each login is present only when configured. */
export interface HttpAuthDeps {
  readonly config: OpsAuthConfig;
  readonly domain: string;
  readonly bearer?: BearerAuthenticator;
  readonly oidc?: OidcLogin;
  readonly sessions?: SessionStore;
  readonly logger: Logger;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Puts every `/api/*` route and the console page behind a login, and adds the login routes.
 * An API request is let in by `authorization: Bearer <jwt>` (the header wins when sent) or by
 * the console's session cookie; a non-GET with a session must echo the session's CSRF token in
 * `x-csrf-token` (cookies ride along on cross-site requests, a header does not). The console page
 * without a session redirects to the OIDC login. `/healthz`, `/readyz`, `/metrics` and the
 * console's static scripts (source code, no data) stay open.
 */
export async function registerHttpAuth(app: FastifyInstance, deps: HttpAuthDeps): Promise<void> {
  const log = deps.logger.child({ component: 'auth' });
  // Without a session secret there are no sessions; cookies are then only parsed, never trusted.
  await app.register(fastifyCookie, deps.config.sessionSecret ? { secret: deps.config.sessionSecret } : {});

  const reader = async (request: FastifyRequest): Promise<OpsReader> => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      if (!deps.bearer) throw unauthenticated('this ops takes no Bearer tokens (SWITCHBOARD_JWT_SECRET is not set); log in to the console');
      return authorize(await deps.bearer.authenticate(header), deps.domain);
    }
    const found = await sessionOf(request, deps.sessions);
    if (!found) throw unauthenticated('authorization: Bearer <token> required (or log in to the console)');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, found.session.csrf)) throw permissionDenied('x-csrf-token header missing or wrong');
    }
    return authorize(found.session.principal, deps.domain);
  };

  const consolePage = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    try {
      request.reader = await reader(request);
      return undefined;
    } catch (error) {
      if (isOpsError(error) && error.code === OPS_ERROR_CODES.permissionDenied) {
        return reply.code(403).type('text/html; charset=utf-8').send(page('Not allowed', error.message, { href: '/auth/logout', label: 'Log out' }));
      }
      if (!isOpsError(error) || error.code !== OPS_ERROR_CODES.unauthenticated) return sendError(reply, error, log);
      if (deps.oidc) return reply.redirect(`/auth/login?return=${encodeURIComponent(request.url)}`, 302);
      const how = deps.config.devLoginToken
        ? 'Open the one-time dev login link that pnpm start printed in its banner.'
        : 'This ops has no console login configured (OPS_OIDC_ISSUER, OPS_OIDC_CLIENT_ID, OPS_OIDC_REDIRECT_URL); its JSON API takes Bearer tokens.';
      return reply.code(401).type('text/html; charset=utf-8').send(page('Log in to the ops console', how));
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/' || path === '/index.html' || path === '/agent') return consolePage(request, reply);
    if (!path.startsWith('/api/') && path !== '/api') return undefined;
    try {
      request.reader = await reader(request);
      return undefined;
    } catch (error) {
      return sendError(reply, error, log);
    }
  });

  registerLoginRoutes(app, deps);
}

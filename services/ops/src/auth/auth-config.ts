import { loadTokenConfig, type TokenConfig } from '@switchboard/grpc-edge';
/** The console's OpenID Connect login (authorization code with PKCE). */
export interface OidcConfig {
  /** `OPS_OIDC_ISSUER`: the provider's issuer URL (its `/.well-known/openid-configuration` is read at start). */
  readonly issuer: URL;
  /** `OPS_OIDC_CLIENT_ID`. */
  readonly clientId: string;
  /** `OPS_OIDC_CLIENT_SECRET`: a confidential client's secret; without it ops is a public client (PKCE only). */
  readonly clientSecret?: string;
  /** `OPS_OIDC_REDIRECT_URL`: ops's `/auth/callback` as the browser reaches it (registered with the provider). */
  readonly redirectUrl: URL;
  /** `OPS_OIDC_SCOPES` (`openid profile`). */
  readonly scope: string;
  /** `OPS_OIDC_ROLE_CLAIM` (`role`): the ID-token claim holding the Switchboard role (a string or a list of strings). */
  readonly roleClaim: string;
  /** `OPS_OIDC_DOMAIN_CLAIM` (`domain`): the ID-token claim holding the routing domain (tenant). */
  readonly domainClaim: string;
}

/** Who may come in, and how. */
export interface OpsAuthConfig {
  /**
   * Bearer tokens, verified as the gRPC edges verify them (`SWITCHBOARD_JWT_SECRET` and/or
   * `SWITCHBOARD_JWKS_URL`, with `SWITCHBOARD_JWT_ISSUER`/`SWITCHBOARD_JWT_AUDIENCE`).
   */
  readonly tokens?: TokenConfig;
  readonly oidc?: OidcConfig;
  /** `OPS_SESSION_SECRET` (≥ 32 characters): signs the console's cookies; needed with OIDC or the dev login. */
  readonly sessionSecret?: string;
  /** `OPS_SESSION_TTL_SECONDS` (8 h): a console session's lifetime; it is not renewed by use. */
  readonly sessionTtlSeconds: number;
  /**
   * `OPS_DEV_LOGIN_TOKEN`: a one-time login for the console, set by `pnpm start` only. Honoured
   * only for a process the launcher started (an IPC channel to it) listening on loopback; ops
   * refuses to start when it is set otherwise.
   */
  readonly devLoginToken?: string;
}

/** What the loader needs from config.ts (kept there: the integer rules and the error type). */
export interface AuthConfigContext {
  readonly host: string;
  integer(name: string, fallback: number, max: number): number;
  fail(message: string): Error;
  /** Whether a parent holds an IPC channel to this process (the launcher does); default `process.send`. */
  readonly launched?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether `host` (a bind address or a URL's hostname) is this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.replace(/^\[|\]$/g, ''));
}

function url(env: NodeJS.ProcessEnv, name: string, context: AuthConfigContext): URL {
  const text = env[name] ?? '';
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      throw context.fail(`${name}="${text}" must be https (plain http only on loopback, for development)`);
    }
    return parsed;
  } catch (error) {
    if (error instanceof TypeError) throw context.fail(`${name}="${text}" is not a URL`);
    throw error;
  }
}

function oidcFrom(env: NodeJS.ProcessEnv, context: AuthConfigContext): OidcConfig | undefined {
  const set = ['OPS_OIDC_ISSUER', 'OPS_OIDC_CLIENT_ID', 'OPS_OIDC_REDIRECT_URL'].filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < 3) throw context.fail('OPS_OIDC_ISSUER, OPS_OIDC_CLIENT_ID and OPS_OIDC_REDIRECT_URL go together: set all three, or none');
  return {
    issuer: url(env, 'OPS_OIDC_ISSUER', context),
    clientId: env.OPS_OIDC_CLIENT_ID!,
    ...(env.OPS_OIDC_CLIENT_SECRET ? { clientSecret: env.OPS_OIDC_CLIENT_SECRET } : {}),
    redirectUrl: url(env, 'OPS_OIDC_REDIRECT_URL', context),
    scope: env.OPS_OIDC_SCOPES || 'openid profile',
    roleClaim: env.OPS_OIDC_ROLE_CLAIM || 'role',
    domainClaim: env.OPS_OIDC_DOMAIN_CLAIM || 'domain',
  };
}

/**
 * Reads the login settings.
 * @throws the context's error when there is no way in at all (fail closed), a secret is too
 * short, OIDC is half configured, or the dev login is set outside `pnpm start`.
 */
export function loadOpsAuthConfig(env: NodeJS.ProcessEnv, context: AuthConfigContext): OpsAuthConfig {
  let tokens: TokenConfig | undefined;
  if (env.SWITCHBOARD_JWT_SECRET || env.SWITCHBOARD_JWKS_URL) {
    try {
      tokens = loadTokenConfig(env);
    } catch (error) {
      throw context.fail((error as Error).message);
    }
  }
  const oidc = oidcFrom(env, context);
  const devLoginToken = env.OPS_DEV_LOGIN_TOKEN || undefined;
  if (devLoginToken !== undefined) {
    const launched = context.launched ?? typeof process.send === 'function';
    if (!launched || !isLoopback(context.host)) {
      throw context.fail('OPS_DEV_LOGIN_TOKEN is set by `pnpm start` only (a launched process on loopback); unset it and configure OIDC or Bearer tokens');
    }
    if (devLoginToken.length < 32) throw context.fail('OPS_DEV_LOGIN_TOKEN must be at least 32 characters');
  }
  if (!tokens && !oidc) {
    throw context.fail('ops needs a login: set SWITCHBOARD_JWT_SECRET (Bearer tokens) and/or OPS_OIDC_ISSUER, OPS_OIDC_CLIENT_ID, OPS_OIDC_REDIRECT_URL (console login)');
  }
  const sessionSecret = env.OPS_SESSION_SECRET || undefined;
  if ((oidc || devLoginToken) && (sessionSecret === undefined || sessionSecret.length < 32)) {
    throw context.fail('OPS_SESSION_SECRET must be set (at least 32 characters) for the console login');
  }
  return {
    ...(tokens ? { tokens } : {}),
    ...(oidc ? { oidc } : {}),
    ...(sessionSecret ? { sessionSecret } : {}),
    sessionTtlSeconds: context.integer('OPS_SESSION_TTL_SECONDS', 8 * 3600, 7 * 24 * 3600),
    ...(devLoginToken ? { devLoginToken } : {}),
  };
}

/** `iss` of the tokens signed with the shared secret when `SWITCHBOARD_JWT_ISSUER` is not set. */
export const DEFAULT_ISSUER = 'switchboard';
/** `aud` every token must carry when `SWITCHBOARD_JWT_AUDIENCE` is not set. */
export const DEFAULT_AUDIENCE = 'switchboard';

/** Where bearer tokens may come from and what they must claim (one of `secret`, `jwksUrl` at least). */
export interface TokenConfig {
  /** `SWITCHBOARD_JWT_SECRET`: HS256 key shared with whoever signs tokens (at least 16 characters). */
  readonly secret?: string;
  /** `SWITCHBOARD_JWKS_URL`: an identity provider's JSON Web Key Set, for RS/PS/ES/EdDSA tokens. */
  readonly jwksUrl?: string;
  /** `SWITCHBOARD_JWT_ISSUER`: the `iss` of tokens signed with the secret (default `switchboard`). */
  readonly issuer: string;
  /** `SWITCHBOARD_JWKS_ISSUER`: the `iss` of tokens signed with a JWKS key (default: the issuer above). */
  readonly jwksIssuer: string;
  /** `SWITCHBOARD_JWT_AUDIENCE`: the `aud` every token must name (default `switchboard`). */
  readonly audience: string;
}

/** The token settings cannot work: the service refuses to start and says which. */
export class TokenConfigError extends Error {
  override readonly name = 'TokenConfigError';
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The JWKS URL, checked. Keys fetched over plain HTTP could be swapped by anyone on the path, so
 * only `https:` is accepted, or `http:` to a loopback address (a sidecar, a test).
 * @throws TokenConfigError naming the variable.
 */
export function checkJwksUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TokenConfigError(`SWITCHBOARD_JWKS_URL="${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new TokenConfigError(`SWITCHBOARD_JWKS_URL must be https: (plain http only to localhost), not ${url.protocol}//${url.host}`);
  }
  return url.href;
}

/**
 * Reads the token settings from the environment. Fails closed: with neither a secret nor a JWKS
 * URL nothing could be verified, so nothing starts.
 * @throws TokenConfigError for no key source, a short secret, a bad JWKS URL or an empty issuer/audience.
 */
export function loadTokenConfig(env: NodeJS.ProcessEnv): TokenConfig {
  const secret = env.SWITCHBOARD_JWT_SECRET ?? '';
  const jwksUrl = env.SWITCHBOARD_JWKS_URL ?? '';
  if (secret === '' && jwksUrl === '') {
    throw new TokenConfigError('SWITCHBOARD_JWT_SECRET (at least 16 characters) or SWITCHBOARD_JWKS_URL must be set: without either no token can be verified');
  }
  if (secret !== '' && secret.length < 16) throw new TokenConfigError('SWITCHBOARD_JWT_SECRET must be at least 16 characters');
  const issuer = env.SWITCHBOARD_JWT_ISSUER?.trim() || DEFAULT_ISSUER;
  return {
    ...(secret !== '' ? { secret } : {}),
    ...(jwksUrl !== '' ? { jwksUrl: checkJwksUrl(jwksUrl) } : {}),
    issuer,
    jwksIssuer: env.SWITCHBOARD_JWKS_ISSUER?.trim() || issuer,
    audience: env.SWITCHBOARD_JWT_AUDIENCE?.trim() || DEFAULT_AUDIENCE,
  };
}

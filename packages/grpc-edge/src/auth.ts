import type { Metadata } from '@grpc/grpc-js';
import {
  createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey,
} from 'jose';
import { permissionDenied, RpcError, unauthenticated, unavailable } from './errors.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, type TokenConfig } from './token-config.js';

/** Who may call: desktops (`agent`), team leads (`supervisor`), operators (`ops`, read-only), contact platforms (`platform`). */
export const ROLES = ['agent', 'supervisor', 'ops', 'platform'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** The `teams` entry that means every team of the token's domain. */
export const ALL_TEAMS = '*';

/**
 * The verified caller: `subject` is the token's `sub` (an agent id, or a client id); `domain` the
 * tenant the token is for; `teams` the teams a supervisor may act on ({@link ALL_TEAMS} for all;
 * empty for tokens that carry none, which only supervisors must).
 */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly domain: string;
  readonly teams: readonly string[];
}

const SHARED_ALGORITHM = 'HS256';
/** What an identity provider may sign with; never `none` or HMAC (the JWKS holds public keys). */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** A domain or team name, as the bus and the directory allow them. */
const NAME = /^[^\s.*>]{1,200}$/;
const MAX_TOKEN_LENGTH = 8_192;
const encoder = new TextEncoder();

function keyOf(secret: string): Uint8Array {
  // HS256 with a short key is guessable offline from any token; refuse rather than sign weakly.
  if (secret.length < 16) throw new TypeError('SWITCHBOARD_JWT_SECRET must be at least 16 characters');
  return encoder.encode(secret);
}

/** What {@link signToken} puts in a token. */
export interface TokenClaims {
  readonly subject: string;
  readonly role: Role;
  /** The tenant (routing domain) the token acts in. */
  readonly domain: string;
  /** Supervisors: the teams they supervise, or `['*']` for every team of the domain. */
  readonly teams?: readonly string[];
  /** jose duration (`8h`) or seconds; default 8 h. */
  readonly ttl?: string | number;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Signs a bearer token (HS256) with `iss`, `aud`, `exp`, `role`, `domain` and, when given, `teams`. */
export async function signToken(secret: string, claims: TokenClaims): Promise<string> {
  return new SignJWT({ role: claims.role, domain: claims.domain, ...(claims.teams ? { teams: [...claims.teams] } : {}) })
    .setProtectedHeader({ alg: SHARED_ALGORITHM, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer ?? DEFAULT_ISSUER)
    .setAudience(claims.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '8h')
    .sign(keyOf(secret));
}

/** What a {@link TokenVerifier} checks tokens against. */
export interface TokenVerifierOptions extends TokenConfig {
  /** The one domain the service serves: tokens for another are refused PERMISSION_DENIED. Unset: the caller checks per request ({@link requireDomain}). */
  readonly domain?: string;
  /** Seconds since the epoch (tests). */
  readonly nowSeconds?: () => number;
  /** Verified tokens remembered at most (least recently used forgotten first); default 10,000. */
  readonly maxRemembered?: number;
  /** How long keys fetched from the JWKS are trusted before a refetch (ms, default 10 min). */
  readonly jwksCacheMaxAgeMs?: number;
}

/** A remembered verification: the principal, the token's `exp`/`nbf`, and when to verify again regardless. */
interface Remembered {
  readonly principal: Principal;
  readonly exp: number;
  readonly nbf: number | undefined;
  readonly recheckAt: number;
}

/** The JWKS could not be read (down, slow, not a key set): the token may be fine, so the caller should retry. */
class JwksUnavailable extends Error {
  override readonly name = 'JwksUnavailable';
}

const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Verifies bearer tokens: HS256 against the shared secret, asymmetric ones against the keys of a
 * JWKS URL (chosen by the token's `alg`, so a public key can never be used as an HMAC secret).
 * Every token must carry `exp`, `iss` (the configured issuer of its key source), `aud`, `sub`, a
 * known `role` and a `domain`; a supervisor's also `teams`.
 *
 * A desktop sends the same token with every call, and verification (WebCrypto, key import) was
 * ~11% of the agent gateway's CPU in the end-to-end bench; so a token that verified is remembered
 * by its exact text (signature included) with the principal its claims gave, its `exp` and
 * `nbf`. A later call with the same text is checked against the clock exactly as jose checks `exp`
 * and `nbf`; the claims cannot differ (they are in the text), and the domain check runs on every
 * call. A token verified with a JWKS key is verified afresh once the JWKS cache age has passed, so
 * a key the identity provider withdrew stops working when jose would stop using it. Failures are
 * never remembered.
 */
export class TokenVerifier {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly jwksMaxAgeSeconds: number;
  private readonly verified = new Map<string, Remembered>();
  private readonly nowSeconds: () => number;
  private readonly maxRemembered: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  /** @throws TypeError for no key source or a secret shorter than 16 characters. */
  constructor(private readonly options: TokenVerifierOptions) {
    if (!options.secret && !options.jwksUrl) throw new TypeError('a token verifier needs SWITCHBOARD_JWT_SECRET or SWITCHBOARD_JWKS_URL');
    this.secret = options.secret ? keyOf(options.secret) : undefined;
    const maxAgeMs = options.jwksCacheMaxAgeMs ?? 600_000;
    this.jwksMaxAgeSeconds = maxAgeMs / 1000;
    this.jwks = options.jwksUrl ? guarded(createRemoteJWKSet(new URL(options.jwksUrl), { cacheMaxAge: maxAgeMs, timeoutDuration: 5_000 })) : undefined;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.maxRemembered = options.maxRemembered ?? MAX_VERIFIED_TOKENS;
  }

  /** How many verified tokens are remembered now (tests, metrics). */
  get remembered(): number {
    return this.verified.size;
  }

  /**
   * The caller of a gRPC call, from `authorization: Bearer <jwt>` metadata.
   * @throws RpcError as {@link authenticateAuthorization}.
   */
  authenticate(metadata: Metadata): Promise<Principal> {
    const [header] = metadata.get('authorization');
    return this.authenticateAuthorization(typeof header === 'string' ? header : undefined);
  }

  /**
   * The caller, from an HTTP `Authorization` header value (`Bearer <jwt>`).
   * @throws RpcError UNAUTHENTICATED when the header is missing or the token does not verify (bad
   * signature, unknown key, expired, no `exp`, wrong `iss` or `aud`, no `sub`, unknown `role`, no
   * `domain`, a supervisor without `teams`); PERMISSION_DENIED for a token of another domain than
   * the one the verifier serves; UNAVAILABLE when the JWKS cannot be read. The message says which
   * in words a developer can act on, never the secret.
   */
  async authenticateAuthorization(header: string | undefined): Promise<Principal> {
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw unauthenticated('authorization: Bearer <token> required');
    const token = match[1];
    if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated(`token longer than ${MAX_TOKEN_LENGTH} characters`);
    const principal = this.recall(token) ?? (await this.verify(token));
    if (this.options.domain !== undefined) requireDomain(principal, this.options.domain);
    return principal;
  }

  /** The remembered principal of `token` when its verification still holds now. @throws RpcError when it expired. */
  private recall(token: string): Principal | undefined {
    const known = this.verified.get(token);
    if (!known) return undefined;
    const now = this.nowSeconds();
    if (known.exp <= now) {
      this.verified.delete(token);
      throw unauthenticated('token expired');
    }
    if (known.recheckAt <= now) {
      this.verified.delete(token);
      return undefined;
    }
    if (known.nbf !== undefined && known.nbf > now) return undefined; // not valid yet: jose says so
    // Most recently used last: the cap evicts tokens nobody presents any more, not busy desks.
    this.verified.delete(token);
    this.verified.set(token, known);
    return known.principal;
  }

  private async verify(token: string): Promise<Principal> {
    const now = this.nowSeconds();
    let payload: JWTPayload;
    let viaJwks = false;
    try {
      const alg = algorithmOf(token);
      viaJwks = alg !== SHARED_ALGORITHM;
      const common = { audience: this.options.audience, requiredClaims: ['exp', 'iss', 'aud', 'sub'], currentDate: new Date(now * 1000) };
      if (!viaJwks) {
        if (!this.secret) throw unauthenticated('HS256 tokens are not accepted here (no shared secret is configured); use a token of the identity provider');
        ({ payload } = await jwtVerify(token, this.secret, { ...common, algorithms: [SHARED_ALGORITHM], issuer: this.options.issuer }));
      } else {
        // The header is the caller's text: named back only when it looks like an algorithm.
        const shown = /^[A-Za-z0-9]{2,16}$/.test(alg ?? '') ? `${alg} tokens are` : 'tokens of this algorithm are';
        if (!this.jwks) throw unauthenticated(`${shown} not accepted here (no JWKS is configured); use an HS256 token`);
        ({ payload } = await jwtVerify(token, this.jwks, { ...common, algorithms: JWKS_ALGORITHMS, issuer: this.options.jwksIssuer }));
      }
    } catch (error) {
      throw refusal(error, viaJwks ? this.options.jwksIssuer : this.options.issuer, this.options.audience);
    }
    const principal = principalOf(payload);
    // Another tenant's token is refused before it is remembered: it would never be of use here.
    if (this.options.domain !== undefined) requireDomain(principal, this.options.domain);
    this.remember(token, principal, payload, viaJwks ? now + this.jwksMaxAgeSeconds : Number.POSITIVE_INFINITY);
    return principal;
  }

  private remember(token: string, principal: Principal, payload: JWTPayload, recheckAt: number): void {
    this.forgetExpired();
    this.verified.delete(token);
    this.verified.set(token, { principal, exp: payload.exp!, nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined, recheckAt });
    while (this.verified.size > this.maxRemembered) this.verified.delete(this.verified.keys().next().value!);
  }

  /**
   * Drops remembered tokens past their expiry, at most once a minute (when a new token is
   * remembered), so the memory follows the tokens in use rather than filling up to the cap.
   */
  private forgetExpired(): void {
    const now = this.nowSeconds();
    if (now - this.lastSweep < 60) return;
    this.lastSweep = now;
    for (const [token, entry] of this.verified) if (entry.exp <= now || entry.recheckAt <= now) this.verified.delete(token);
  }
}

/** The token's `alg`. @throws RpcError UNAUTHENTICATED when it is no JWT at all (jose throws a bare TypeError). */
function algorithmOf(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated('token is not a JWT (header.payload.signature)');
  }
}

/** The remote key set, with its fetch failures (network, timeout, not 200, not a key set) told apart from an unknown key. */
function guarded(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) throw error;
      throw new JwksUnavailable('the JWKS could not be read', { cause: error });
    }
  };
}

/** The status for a failed verification, with a reason a developer can act on. */
function refusal(error: unknown, issuer: string, audience: string): Error {
  if (error instanceof JwksUnavailable) return unavailable('signing keys unavailable (the JWKS URL did not answer with a key set); retry');
  if (error instanceof joseErrors.JWTExpired) return unauthenticated('token expired');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return unauthenticated('token signed with a key the JWKS does not hold (unknown kid)');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const missing = error.reason === 'missing';
    switch (error.claim) {
      case 'exp': return unauthenticated(missing ? 'token has no exp: every token must expire' : 'token exp is not a number');
      case 'iss': return unauthenticated(missing ? `token has no iss; expected "${issuer}"` : `token issuer is not "${issuer}"`);
      case 'aud': return unauthenticated(missing ? `token has no aud; expected "${audience}"` : `token audience does not include "${audience}"`);
      case 'sub': return unauthenticated('token has no subject');
      case 'nbf': return unauthenticated('token not valid yet (nbf)');
      default: return unauthenticated(`token claim ${error.claim} is invalid`);
    }
  }
  if (error instanceof RpcError) return error;
  // jose refuses malformed input with its own errors and, for some shapes, a bare TypeError:
  // whatever went wrong, the token was not verified, and the caller hears so (fail closed).
  return unauthenticated('token does not verify');
}

/** The principal of verified claims. @throws RpcError UNAUTHENTICATED for a missing or malformed role, domain or teams. */
function principalOf(payload: JWTPayload): Principal {
  const { role, domain, teams } = payload;
  if (!payload.sub || payload.sub.length > 200) throw unauthenticated('token has no subject');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthenticated('token has no known role');
  if (typeof domain !== 'string' || !NAME.test(domain)) throw unauthenticated('token has no domain (the tenant it acts in)');
  const teamsOk = teams === undefined || (Array.isArray(teams) && teams.length <= 1_000 && teams.every((t) => typeof t === 'string' && (t === ALL_TEAMS || NAME.test(t))));
  if (!teamsOk) throw unauthenticated('token teams must be an array of team names (or ["*"])');
  const list = (teams as string[] | undefined) ?? [];
  if (role === 'supervisor' && list.length === 0) {
    throw unauthenticated('supervisor token has no teams: name the teams it supervises, or ["*"] for every team of its domain');
  }
  return { subject: payload.sub, role: role as Role, domain, teams: list };
}

/** @throws RpcError PERMISSION_DENIED unless the caller holds one of `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[], what: string): void {
  if (!roles.includes(principal.role)) throw permissionDenied(`${what} needs role ${roles.join(' or ')}`);
}

/** @throws RpcError PERMISSION_DENIED unless the token is for `domain` (another tenant's token). */
export function requireDomain(principal: Principal, domain: string): void {
  if (principal.domain !== domain) throw permissionDenied(`token is for domain "${principal.domain}", not domain "${domain}"`);
}

/** Whether `team` is among the teams the principal may act on. */
export function inTeams(principal: Principal, team: string): boolean {
  return principal.teams.includes(ALL_TEAMS) || principal.teams.includes(team);
}

/**
 * @throws RpcError PERMISSION_DENIED unless `team` is in the supervisor's scope; `what` names the
 * call and `about` whom it concerns (e.g. `agent "a1"`).
 */
export function requireTeam(principal: Principal, team: string, what: string, about: string): void {
  if (!inTeams(principal, team)) {
    throw permissionDenied(`${what}: ${about} is in team "${team}", outside the teams you supervise (${principal.teams.join(', ')})`);
  }
}

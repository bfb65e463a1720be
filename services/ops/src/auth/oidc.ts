import * as client from 'openid-client';
import { permissionDenied, unauthenticated } from '../errors.js';
import type { OidcConfig } from './auth-config.js';
import { isLoopback } from './auth-config.js';
import type { OpsPrincipal } from './principal.js';

/** What the browser keeps (in a signed cookie) between the redirect to the provider and the callback. */
export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  /** Where to go after login (a path on this console). */
  readonly returnTo: string;
}

/** The console's relying party: builds the provider redirect and completes the callback. */
export interface OidcLogin {
  /** The provider URL to send the browser to, and the transaction to remember. */
  begin(returnTo: string): Promise<{ url: URL; transaction: LoginTransaction }>;
  /**
   * Exchanges the callback's code (PKCE verifier, state and nonce checked by openid-client).
   * @throws OpsError UNAUTHENTICATED for a state, nonce, code or ID token that does not check out;
   * PERMISSION_DENIED when the ID token carries no role or domain.
   */
  complete(callbackQuery: string, transaction: LoginTransaction): Promise<{ principal: OpsPrincipal; idToken: string }>;
  /** The provider's logout URL (end_session_endpoint), when it has one. */
  logoutUrl(idToken: string | undefined, after: URL): URL | undefined;
}

/** The role from a claim that is a string or a list (the strongest reader role in the list, else its first). */
function roleOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const roles = value.filter((v): v is string => typeof v === 'string');
  return roles.find((r) => r === 'supervisor') ?? roles.find((r) => r === 'ops') ?? roles[0];
}

/** Discovers the provider (its metadata and keys) and returns the console's login. */
export async function createOidcLogin(config: OidcConfig): Promise<OidcLogin> {
  const auth = config.clientSecret ? client.ClientSecretPost(config.clientSecret) : client.None();
  // openid-client refuses plain http; a loopback issuer is a development provider (config.ts allows no other).
  const execute = config.issuer.protocol === 'http:' && isLoopback(config.issuer.hostname) ? [client.allowInsecureRequests] : [];
  const rp = await client.discovery(config.issuer, config.clientId, undefined, auth, { execute, timeout: 10 });
  return {
    async begin(returnTo) {
      const transaction = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), returnTo };
      const url = client.buildAuthorizationUrl(rp, {
        redirect_uri: config.redirectUrl.href, scope: config.scope, response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(transaction.verifier), code_challenge_method: 'S256',
        state: transaction.state, nonce: transaction.nonce,
      });
      return { url, transaction };
    },
    async complete(callbackQuery, transaction) {
      const current = new URL(config.redirectUrl);
      current.search = callbackQuery;
      // Checked here too (openid-client checks it as well) so the refusal says what was wrong.
      const error = current.searchParams.get('error');
      if (error) throw unauthenticated(`the provider refused the login: ${error} ${current.searchParams.get('error_description') ?? ''}`.trim());
      if (current.searchParams.get('state') !== transaction.state) throw unauthenticated("the login's state does not match the one this browser was sent with; start again");
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(rp, current, {
          pkceCodeVerifier: transaction.verifier, expectedState: transaction.state, expectedNonce: transaction.nonce, idTokenExpected: true,
        });
      } catch (error) {
        throw unauthenticated(`login did not complete: ${(error as Error).message}; start again from the console`);
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw unauthenticated('the provider sent no ID token');
      const role = roleOf(claims[config.roleClaim]);
      const domain = claims[config.domainClaim];
      if (!role) throw permissionDenied(`your account has no "${config.roleClaim}" claim; ask for role supervisor or ops`);
      if (typeof domain !== 'string' || domain === '') throw permissionDenied(`your account has no "${config.domainClaim}" claim (routing domain)`);
      const teams = Array.isArray(claims.teams) ? claims.teams.filter((t): t is string => typeof t === 'string') : [];
      return { principal: { subject: claims.sub, role, domain, teams, via: 'oidc' }, idToken: tokens.id_token };
    },
    logoutUrl(idToken, after) {
      if (!rp.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(rp, { post_logout_redirect_uri: after.href, ...(idToken ? { id_token_hint: idToken } : {}) });
    },
  };
}

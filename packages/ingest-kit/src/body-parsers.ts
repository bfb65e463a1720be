import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BODY_FIELD, ValidationError } from './errors.js';
import { RateLimitedError } from './error-mapper.js';
import { retryAfterSeconds } from './source-limiter.js';
import { parseJsonOrThrow } from './validation.js';

/**
 * Checks a request before its body is parsed: a signature over the raw bytes, a credential in a
 * header. Throw `AuthError` to refuse (401/403); nothing is parsed then, so a forged 10 MB nested
 * JSON costs one HMAC, not a parse. May set `request.ingestSource` to the verified platform
 * account or credential, which the rate limiter then counts the request against.
 */
export type RawBodyVerifier = (request: FastifyRequest, rawBody: Buffer) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signatures computed over raw bytes (HMAC webhooks). */
    rawBody?: Buffer;
    /** Set by a route's verifier: the authenticated source (e.g. `twilio:AC…`) the rate limit counts. */
    ingestSource?: string;
    /** True once the route's `verifyRawBody` has passed for this request. */
    rawBodyVerified?: boolean;
    /**
     * Set by the rate limiter: counts a request whose verification failed against its address,
     * and says whether the address is now over its limit (then it is answered 429, not 401/403).
     */
    countFailedVerification?: () => { readonly allowed: boolean; readonly retryAfterMs?: number };
  }
  interface FastifyContextConfig {
    /**
     * Run on the raw body before any parser (and, for a request without a body, before the
     * handler): see {@link RawBodyVerifier}. Set per route: `app.post(path, { config: { verifyRawBody } }, handler)`.
     */
    verifyRawBody?: RawBodyVerifier;
  }
}

/** A form body: every value a string, or an array when a name repeats. */
export type FormBody = Record<string, string | string[]>;

/**
 * Parses `application/x-www-form-urlencoded` text. Repeated names become arrays (Twilio signs
 * every value), and a prototype-polluting name is refused rather than silently dropped.
 */
export function parseFormBody(text: string): FormBody {
  const out: FormBody = Object.create(null) as FormBody;
  for (const [name, value] of new URLSearchParams(text)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new ValidationError(name, 'forbidden_name', `${name}: not an accepted field name`);
    }
    const previous = out[name];
    if (previous === undefined) out[name] = value;
    else out[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

/**
 * Runs the route's verifier once, if it has one and it has not run yet (requests without a
 * body reach no parser). `createIngestHttpServer` calls this in a preHandler hook, so a route
 * with `verifyRawBody` never runs its handler unverified.
 */
export async function verifyRequestOnce(request: FastifyRequest, rawBody: Buffer = request.rawBody ?? Buffer.alloc(0)): Promise<void> {
  const verify = request.routeOptions.config.verifyRawBody;
  if (verify === undefined || request.rawBodyVerified) return;
  try {
    await verify(request, rawBody);
  } catch (error) {
    const decision = request.countFailedVerification?.();
    if (decision && !decision.allowed) throw new RateLimitedError(retryAfterSeconds(decision.retryAfterMs ?? 1_000));
    throw error;
  }
  request.rawBodyVerified = true;
}

type Done = (error: Error | null, body?: unknown) => void;

/** Keeps the raw body, verifies it, then parses it; any throw goes to the error handler. */
function verifiedParser(parse: (body: Buffer) => unknown) {
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    request.rawBody = body;
    verifyRequestOnce(request, body).then(() => done(null, parse(body))).catch((error: unknown) => done(error as Error, undefined));
  };
}

/**
 * Replaces fastify's JSON parser and adds form and raw parsers that keep `request.rawBody` and
 * run the route's `verifyRawBody` before parsing. `raw` content types (e.g. `message/rfc822`,
 * `text/plain`) arrive as a Buffer body.
 */
export function registerBodyParsers(app: FastifyInstance, raw: readonly string[] = []): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, verifiedParser((body) => {
    if (body.length === 0) throw new ValidationError(BODY_FIELD, 'required', 'body is empty');
    return parseJsonOrThrow(body.toString('utf8'));
  }));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, verifiedParser((body) => parseFormBody(body.toString('utf8'))));
  if (raw.length > 0) {
    app.removeContentTypeParser(raw.filter((type) => app.hasContentTypeParser(type)));
    app.addContentTypeParser([...raw], { parseAs: 'buffer' }, verifiedParser((body) => body));
  }
}

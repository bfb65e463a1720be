import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerBodyParsers, verifyRequestOnce } from './body-parsers.js';
import { RateLimitedError } from './error-mapper.js';
import { renderMetrics } from '@switchboard/metrics';
import { createHttpErrorHandler } from './http-errors.js';
import { DEFAULT_HTTP_TIMEOUTS, DEFAULT_SOURCE_LIMITS, type HttpTimeouts, type TrustProxy } from './http-limits.js';
import { httpResult, ingestRegistry, processIngestMetrics } from './ingest-metrics.js';
import { retryAfterSeconds, SourceLimiter } from './source-limiter.js';

/**
 * Request limits. A request counts against its authenticated source — what the route's
 * `verifyRawBody` put in `request.ingestSource` (a verified platform account or credential), else
 * what `keyGenerator` says — and only a request with neither counts against its client address.
 */
export interface RateLimitOptions {
  /** Requests per window and source (default 60,000: see `DEFAULT_SOURCE_LIMITS`). */
  readonly max?: number;
  /** Window length in milliseconds (default 60 000). */
  readonly timeWindowMs?: number;
  /**
   * The authenticated source of a request known from its URL or headers (a platform account whose
   * header signature verified, a valid session token), or undefined when it has none. A request
   * with a source is never turned away for its address; one without counts by client IP.
   */
  readonly keyGenerator?: (request: FastifyRequest) => string | undefined;
  /** Requests per window and client address for requests no route authenticated (default: `max` when `max` is given, else 600). */
  readonly maxPerAddress?: number;
}

/** Options of {@link createIngestHttpServer}. */
export interface IngestHttpServerOptions {
  readonly logger: Logger;
  /** `/readyz` answers 200 only when this resolves true (e.g. `bus.ready`). */
  readonly readiness: () => Promise<boolean>;
  /** Largest accepted request body (default 256 KiB); larger ones get 413 before parsing. */
  readonly bodyLimitBytes?: number;
  /** `false` turns rate limiting off (tests of other behaviour). */
  readonly rateLimit?: RateLimitOptions | false;
  /** Content types delivered raw as a Buffer body, e.g. `message/rfc822`. */
  readonly rawContentTypes?: readonly string[];
  /** Trust `X-Forwarded-For` for the client IP (behind a load balancer): see `trustProxyFromEnv`. Default false. */
  readonly trustProxy?: TrustProxy;
  /** The channel label of requests this server rejects in `sb_ingest_results_total` (default `unknown`). */
  readonly channel?: string;
  /** Socket and request timeouts (defaults `DEFAULT_HTTP_TIMEOUTS`; `httpTimeoutsFromEnv` reads them). */
  readonly timeouts?: Partial<HttpTimeouts>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the rate limiter counted the request. */
    rateCounted?: boolean;
  }
  interface FastifyContextConfig {
    /** `false`: never rate limited (probes and scrapes). */
    rateLimit?: false;
  }
}

/**
 * A fastify 5 server with what every ingestion service needs: `/healthz` (the process is alive),
 * `/readyz` (the bus is reachable), body limits answered 413, rate limits answered 429 with
 * `Retry-After`, request/header/idle timeouts, JSON/form/raw parsers that keep
 * `request.rawBody` and run a route's `verifyRawBody` before parsing, one error handler (see
 * `classifyError`) whose answers are `{error, field, rule}` JSON, and Prometheus `/metrics`
 * (the process registry; rejected requests counted by channel). Register routes, then `listen`.
 * Health and metrics routes are never rate limited so probes and scrapes cannot be starved.
 */
export async function createIngestHttpServer(options: IngestHttpServerOptions): Promise<FastifyInstance> {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    // Widened so routes and plugins see fastify's default instance type.
    loggerInstance: options.logger as FastifyBaseLogger,
    // Request lines would carry query strings and URLs with customer ids; we log outcomes instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.connectionTimeoutMs,
    // Node checks the header and request deadlines on this interval (30 s by default, which
    // would let a slow client keep a socket for up to 40 s past a 10 s headers timeout).
    http: { headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs) },
  });
  registerBodyParsers(app, options.rawContentTypes);
  app.setErrorHandler(createHttpErrorHandler(options.logger));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  // A route that verifies its requests never runs its handler unverified, body or not.
  app.addHook('preHandler', async (request) => verifyRequestOnce(request));
  if (options.rateLimit !== false) installRateLimits(app, options.rateLimit ?? {});
  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
    const ready = await options.readiness().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    const page = await renderMetrics(ingestRegistry());
    return reply.type(page.contentType).send(page.body);
  });
  const metrics = processIngestMetrics();
  // A refused WebSocket upgrade (429 before the route's own hooks ran, 401, …) leaves a socket
  // that Node no longer tracks as HTTP: end it, or it would hold the server's close forever.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade !== undefined && reply.statusCode >= 400 && !request.raw.socket.destroyed) request.raw.socket.destroy();
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics') return;
    const result = httpResult(reply.statusCode);
    if (result) metrics.record(options.channel ?? 'unknown', result);
    options.logger.debug({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
  });
  return app;
}

/**
 * Counts each request once. On a route that verifies its requests (`verifyRawBody`), one that
 * verifies counts against its source, one that fails against its address — and once the address
 * is over its limit, its failures are answered 429 instead of 401/403. Such a route never turns a
 * request away for its address before verifying it: behind a load balancer (or a carrier NAT)
 * one address carries every platform, and a flood of forgeries from it must not shut out the
 * gateways that sign correctly; a forgery costs one body read (within the body limit) and one
 * HMAC. Requests to other routes (no credential to check, unknown routes) count against their
 * address, and an address over its limit is refused before its body is read.
 */
function installRateLimits(app: FastifyInstance, limits: RateLimitOptions): void {
  const windowMs = limits.timeWindowMs ?? DEFAULT_SOURCE_LIMITS.windowMs;
  const sources = new SourceLimiter(limits.max ?? DEFAULT_SOURCE_LIMITS.perSource, windowMs);
  const addresses = new SourceLimiter(limits.maxPerAddress ?? limits.max ?? DEFAULT_SOURCE_LIMITS.perAddress, windowMs);
  const exempt = (request: FastifyRequest) => request.routeOptions.config.rateLimit === false;
  const verified = (request: FastifyRequest) => request.routeOptions.config.verifyRawBody !== undefined;
  const refuse = (retryAfterMs: number) => { throw new RateLimitedError(retryAfterSeconds(retryAfterMs)); };
  app.addHook('onRequest', async (request) => {
    if (exempt(request)) return;
    if (verified(request)) {
      request.countFailedVerification = () => {
        request.rateCounted = true;
        return addresses.take(request.ip);
      };
      return;
    }
    // A source known from the headers is authenticated already: it counts against itself alone,
    // here, before its body is read (and before a WebSocket upgrade is taken over by its route).
    const early = limits.keyGenerator?.(request);
    if (early !== undefined) {
      request.ingestSource ??= early;
      request.rateCounted = true;
      const decision = sources.take(early);
      if (!decision.allowed) refuse(decision.retryAfterMs);
      return;
    }
    const gate = addresses.peek(request.ip);
    if (!gate.allowed) {
      request.rateCounted = true;
      refuse(gate.retryAfterMs);
    }
  });
  app.addHook('preHandler', async (request) => {
    if (exempt(request) || request.rateCounted) return;
    request.rateCounted = true;
    const source = request.ingestSource ?? limits.keyGenerator?.(request);
    const decision = source === undefined ? addresses.take(request.ip) : sources.take(source);
    if (!decision.allowed) refuse(decision.retryAfterMs);
  });
  // What was refused before preHandler without being counted (an unparsable body, an unknown
  // content type) counts against its source when it verified, else against its address. Counted
  // before the answer goes out (onSend, not onResponse): a client that sends its next request as
  // soon as it reads this answer must find this one already counted.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (exempt(request) || request.rateCounted) return payload;
    request.rateCounted = true;
    if (request.ingestSource !== undefined) sources.take(request.ingestSource);
    else addresses.take(request.ip);
    return payload;
  });
}

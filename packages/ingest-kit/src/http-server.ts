import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { registerBodyParsers } from './body-parsers.js';
import { RateLimitedError } from './error-mapper.js';
import { renderMetrics } from '@switchboard/metrics';
import { createHttpErrorHandler } from './http-errors.js';
import { httpResult, ingestRegistry, processIngestMetrics } from './ingest-metrics.js';

/** Per-source request limits; a source is the client IP unless `keyGenerator` says otherwise. */
export interface RateLimitOptions {
  /** Requests per window and source (default 600). */
  readonly max?: number;
  /** Window length in milliseconds (default 60 000). */
  readonly timeWindowMs?: number;
  /** The source of a request, e.g. a platform account id; defaults to the client IP. */
  readonly keyGenerator?: (request: FastifyRequest) => string;
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
  /** Trust `X-Forwarded-For` for the client IP (behind a load balancer). Default false. */
  readonly trustProxy?: boolean;
  /** The channel label of requests this server rejects in `sb_ingest_results_total` (default `unknown`). */
  readonly channel?: string;
}

/**
 * A fastify 5 server with what every ingestion service needs: `/healthz` (the process is alive),
 * `/readyz` (the bus is reachable), body limits answered 413, per-source rate limits answered 429
 * with `Retry-After`, JSON/form/raw parsers that keep `request.rawBody`, and one error handler
 * (see `classifyError`) whose answers are `{error, field, rule}` JSON, and Prometheus `/metrics`
 * (the process registry; rejected requests counted by channel). Register routes, then `listen`.
 * Health and metrics routes are never rate limited so probes and scrapes cannot be starved.
 */
export async function createIngestHttpServer(options: IngestHttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Widened so routes and plugins see fastify's default instance type.
    loggerInstance: options.logger as FastifyBaseLogger,
    // Request lines would carry query strings and URLs with customer ids; we log outcomes instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  });
  registerBodyParsers(app, options.rawContentTypes);
  app.setErrorHandler(createHttpErrorHandler(options.logger));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  if (options.rateLimit !== false) {
    const limits = options.rateLimit ?? {};
    await app.register(rateLimit, {
      global: true,
      max: limits.max ?? 600,
      timeWindow: limits.timeWindowMs ?? 60_000,
      ...(limits.keyGenerator ? { keyGenerator: limits.keyGenerator } : {}),
      // Thrown into the error handler, which answers 429 with Retry-After in seconds.
      errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  }
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
  app.addHook('onResponse', async (request, reply) => {
    if (request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics') return;
    const result = httpResult(reply.statusCode);
    if (result) metrics.record(options.channel ?? 'unknown', result);
    options.logger.debug({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
  });
  return app;
}

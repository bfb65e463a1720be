import { IngestConfigError } from './config.js';

/**
 * Timeouts of an ingestion HTTP server, in milliseconds. Without them a client that opens
 * sockets and sends nothing, or sends headers a byte a minute (slowloris), holds a socket and
 * its memory for as long as it likes.
 */
export interface HttpTimeouts {
  /** Whole request, headers and body, must arrive within this (Node `requestTimeout`; default 30 s). */
  readonly requestTimeoutMs: number;
  /** Headers must arrive within this (Node `headersTimeout`; default 10 s). */
  readonly headersTimeoutMs: number;
  /** A kept-alive socket with no request in flight is closed after this (default 65 s: above the 60 s idle timeout of common load balancers, so they close first). */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this (fastify `connectionTimeout`; default 90 s). */
  readonly connectionTimeoutMs: number;
}

/** The defaults of {@link HttpTimeouts}. */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  connectionTimeoutMs: 90_000,
};

/**
 * Request limits by source. A request whose route authenticated it (a verified signature or
 * credential names its platform account or credential) counts against that source; any other
 * request counts against its client address. One telephony gateway, behind one address or many,
 * is one source, so the per-source default is high; anonymous traffic is held to the lower
 * per-address limit.
 */
export interface SourceLimits {
  /** Requests per window per authenticated source (default 60,000 a minute: 1,000/s, ten webhooks for each of 100 calls/s). */
  readonly perSource: number;
  /** Requests per window per client address that no route authenticated (default 600 a minute). */
  readonly perAddress: number;
  /** Window length (default 60 s). */
  readonly windowMs: number;
}

/** The defaults of {@link SourceLimits}. */
export const DEFAULT_SOURCE_LIMITS: SourceLimits = { perSource: 60_000, perAddress: 600, windowMs: 60_000 };

/**
 * Reads `INGEST_HTTP_REQUEST_TIMEOUT_MS`, `INGEST_HTTP_HEADERS_TIMEOUT_MS`,
 * `INGEST_HTTP_KEEP_ALIVE_TIMEOUT_MS` and `INGEST_HTTP_CONNECTION_TIMEOUT_MS` over the defaults.
 * @throws IngestConfigError for a value that is not a positive integer, or headers allowed longer than the request.
 */
export function httpTimeoutsFromEnv(env: NodeJS.ProcessEnv): HttpTimeouts {
  const d = DEFAULT_HTTP_TIMEOUTS;
  const timeouts = {
    requestTimeoutMs: positiveInt(env, 'INGEST_HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    headersTimeoutMs: positiveInt(env, 'INGEST_HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs),
    keepAliveTimeoutMs: positiveInt(env, 'INGEST_HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs),
    connectionTimeoutMs: positiveInt(env, 'INGEST_HTTP_CONNECTION_TIMEOUT_MS', d.connectionTimeoutMs),
  };
  // Node refuses a headers timeout above the request timeout at listen time; say so at startup.
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    throw new IngestConfigError('INGEST_HTTP_HEADERS_TIMEOUT_MS must not exceed INGEST_HTTP_REQUEST_TIMEOUT_MS');
  }
  return timeouts;
}

/**
 * Reads `INGEST_RATE_LIMIT_PER_SOURCE`, `INGEST_RATE_LIMIT_PER_ADDRESS` and
 * `INGEST_RATE_LIMIT_WINDOW_MS` over the defaults (the same variables for HTTP and gRPC ingestion).
 * @throws IngestConfigError for a value that is not a positive integer.
 */
export function sourceLimitsFromEnv(env: NodeJS.ProcessEnv): SourceLimits {
  const d = DEFAULT_SOURCE_LIMITS;
  return {
    perSource: positiveInt(env, 'INGEST_RATE_LIMIT_PER_SOURCE', d.perSource),
    perAddress: positiveInt(env, 'INGEST_RATE_LIMIT_PER_ADDRESS', d.perAddress),
    windowMs: positiveInt(env, 'INGEST_RATE_LIMIT_WINDOW_MS', d.windowMs),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new IngestConfigError(`${name}="${text}" is not a positive integer`);
  return value;
}

/** What fastify's `trustProxy` takes: all, none, addresses/CIDRs, or a test per hop. */
export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/**
 * Reads `INGEST_TRUST_PROXY`: which `X-Forwarded-For` hops to believe for the client address
 * that per-address limits count. Unset or `false`: none (the socket's address; right when
 * platforms connect directly). `true`: every hop (only behind a proxy that overwrites the
 * header). A number: that many hops from the server. Otherwise a comma-separated list of proxy
 * addresses or CIDRs, e.g. `10.0.0.0/8`. Behind a load balancer without it, every request has
 * the balancer's address and all unauthenticated traffic shares one limit.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): TrustProxy {
  const text = (env.INGEST_TRUST_PROXY ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address: string, hop: number) => hop < hops;
  }
  if (!/^[0-9a-fA-F:.,/\s]+$/.test(text)) throw new IngestConfigError(`INGEST_TRUST_PROXY="${text}" is not true, false, a hop count or a list of addresses/CIDRs`);
  return text;
}

// The public surface of @switchboard/ingest-grpc: its wiring, run by its own main and by ingest-all.
import {
  ingestRegistry, IngestConfigError, optionalSecret, sourceLimitsFromEnv, type IngestRuntime, type IngestServiceDefinition, type RunningService,
} from '@switchboard/ingest-kit';
import { startMetricsServer } from '@switchboard/metrics';
import { bindGrpc, buildIngestGrpcServer, shutdownGrpc } from './app.js';

/** Shortest `INGEST_GRPC_TOKEN` accepted: a guessable token is no credential. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Serves IngestService on `INGEST_GRPC_PORT` (bearer `INGEST_GRPC_TOKEN`, required) and
 * `/metrics`, `/healthz`, `/readyz` on the HTTP side port `INGEST_GRPC_HTTP_PORT`; limits from
 * `INGEST_RATE_LIMIT_*` (per credential, and per address for calls that do not authenticate).
 * @throws IngestConfigError without a token: the service never runs unauthenticated.
 */
export async function startGrpcIngest({ config, env, logger, publisher, bus }: IngestRuntime<'grpc' | 'http'>): Promise<RunningService> {
  const token = optionalSecret(env, 'INGEST_GRPC_TOKEN');
  if (!token) throw new IngestConfigError('INGEST_GRPC_TOKEN is not set: IngestService accepts no unauthenticated calls (pnpm start generates one; deployments set their own)');
  if (token.length < MIN_TOKEN_LENGTH) throw new IngestConfigError(`INGEST_GRPC_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  const limits = sourceLimitsFromEnv(env);
  const server = buildIngestGrpcServer({
    logger, publisher, domain: config.domain, token,
    rateLimit: { max: limits.perSource, maxPerAddress: limits.perAddress, windowMs: limits.windowMs },
  });
  const grpcPort = await bindGrpc(server, config.host, config.ports.grpc);
  try {
    // `/metrics` (ingest results by channel), `/healthz` and `/readyz` on an HTTP side port.
    const metrics = await startMetricsServer({ registry: ingestRegistry(), host: config.host, port: config.ports.http, ready: () => bus.isConnected() });
    return { grpcPort, close: async () => { await shutdownGrpc(server); await metrics.close(); } };
  } catch (error) {
    // The gRPC port is bound: beside other services it must not stay open.
    await shutdownGrpc(server).catch(() => undefined);
    throw error;
  }
}

/** ingest-grpc: gRPC on `INGEST_GRPC_PORT` (7105), HTTP side port `INGEST_GRPC_HTTP_PORT` (7115). */
export const grpcIngestService: IngestServiceDefinition<'grpc' | 'http'> = {
  service: 'ingest-grpc',
  ports: { grpc: { env: 'INGEST_GRPC_PORT', default: 7105 }, http: { env: 'INGEST_GRPC_HTTP_PORT', default: 7115 } },
  secrets: ['INGEST_GRPC_TOKEN'],
  start: startGrpcIngest,
};

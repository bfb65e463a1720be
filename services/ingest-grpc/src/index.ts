// The public surface of @switchboard/ingest-grpc: its wiring, run by its own main and by ingest-all.
import { ingestRegistry, optionalSecret, type IngestRuntime, type IngestServiceDefinition, type RunningService } from '@switchboard/ingest-kit';
import { startMetricsServer } from '@switchboard/metrics';
import { bindGrpc, buildIngestGrpcServer, shutdownGrpc } from './app.js';

/**
 * Serves IngestService on `INGEST_GRPC_PORT` (bearer `INGEST_GRPC_TOKEN` when set) and
 * `/metrics`, `/healthz`, `/readyz` on the HTTP side port `INGEST_GRPC_HTTP_PORT`.
 */
export async function startGrpcIngest({ config, env, logger, publisher, bus }: IngestRuntime<'grpc' | 'http'>): Promise<RunningService> {
  const token = optionalSecret(env, 'INGEST_GRPC_TOKEN');
  if (!token) logger.warn('INGEST_GRPC_TOKEN unset: IngestService accepts unauthenticated calls');
  const server = buildIngestGrpcServer({ logger, publisher, domain: config.domain, ...(token ? { token } : {}) });
  await bindGrpc(server, config.host, config.ports.grpc);
  try {
    // `/metrics` (ingest results by channel), `/healthz` and `/readyz` on an HTTP side port.
    const metrics = await startMetricsServer({ registry: ingestRegistry(), host: config.host, port: config.ports.http, ready: () => bus.isConnected() });
    return { close: async () => { await shutdownGrpc(server); await metrics.close(); } };
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
  start: startGrpcIngest,
};

import { telemetry } from './instrumentation.js';
import { ingestRegistry, optionalSecret, runIngestService } from '@switchboard/ingest-kit';
import { startMetricsServer } from '@switchboard/metrics';
import { bindGrpc, buildIngestGrpcServer, shutdownGrpc } from './app.js';

await runIngestService({
  service: 'ingest-grpc',
  ports: { grpc: { env: 'INGEST_GRPC_PORT', default: 7105 }, http: { env: 'INGEST_GRPC_HTTP_PORT', default: 7115 } },
  telemetry,
  async start({ config, env, logger, publisher, bus }) {
    const token = optionalSecret(env, 'INGEST_GRPC_TOKEN');
    if (!token) logger.warn('INGEST_GRPC_TOKEN unset: IngestService accepts unauthenticated calls');
    const server = buildIngestGrpcServer({ logger, publisher, domain: config.domain, ...(token ? { token } : {}) });
    await bindGrpc(server, config.host, config.ports.grpc);
    // `/metrics` (ingest results by channel), `/healthz` and `/readyz` on an HTTP side port.
    const metrics = await startMetricsServer({ registry: ingestRegistry(), host: config.host, port: config.ports.http, ready: () => bus.isConnected() });
    return { close: async () => { await shutdownGrpc(server); await metrics.close(); } };
  },
});

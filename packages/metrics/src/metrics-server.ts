import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { metricsHandler } from './http-handler.js';

/** A small HTTP side port for services whose main protocol is not HTTP (gRPC edges). */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` (the registry), `/healthz` (the process runs) and `/readyz` (`ready()`: its
 * NATS and Redis links are up) — what Prometheus and Kubernetes probes ask of every service.
 */
export function startMetricsServer(options: { registry: Registry; host: string; port: number; ready: () => boolean }): Promise<MetricsServer> {
  const serveMetrics = metricsHandler(options.registry);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') return void serveMetrics(request, response);
    if (path !== '/healthz' && path !== '/readyz') {
      response.writeHead(404, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ error: `no route ${path}; try /metrics, /healthz or /readyz` }));
    }
    const ok = path === '/healthz' || options.ready();
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

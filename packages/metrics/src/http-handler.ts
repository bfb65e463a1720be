import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** The exposition text of a registry and its content type, for any HTTP framework. */
export interface MetricsPage {
  readonly contentType: string;
  readonly body: string;
}

/** Renders the registry in the Prometheus text format. A failing sampler rejects. */
export async function renderMetrics(registry: Registry): Promise<MetricsPage> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * A `node:http` handler for `GET /metrics`: answers the exposition text, or 500 with the reason
 * when a sampler failed (Prometheus marks the scrape failed; the service keeps running).
 */
export function metricsHandler(registry: Registry): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (_request, response) => {
    try {
      const page = await renderMetrics(registry);
      response.writeHead(200, { 'content-type': page.contentType });
      response.end(page.body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`metrics unavailable: ${(error as Error).message}\n`);
    }
  };
}

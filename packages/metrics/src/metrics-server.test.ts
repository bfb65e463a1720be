import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './registry.js';
import { startMetricsServer } from './metrics-server.js';

describe('metrics side port', () => {
  it('serves /metrics, /healthz and a /readyz that follows the links', async () => {
    let ready = false;
    const registry = createMetricsRegistry({ service: 'agent-gateway' });
    const server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0, ready: () => ready });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/sb_process_cpu_user_seconds_total\{service="agent-gateway"\}/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

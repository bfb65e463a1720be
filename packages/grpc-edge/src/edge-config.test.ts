import { describe, expect, it } from 'vitest';
import { loadEdgeConfig } from './edge-config.js';

const secret = { SWITCHBOARD_JWT_SECRET: '0123456789abcdef' };

describe('edge config', () => {
  it('reads the shared settings with their defaults and the service port', () => {
    expect(loadEdgeConfig({ ...secret, QUEUE_SERVICE_PORT: '9000' }, { variable: 'QUEUE_SERVICE_PORT', fallback: 7202, httpVariable: 'QUEUE_SERVICE_HTTP_PORT', httpFallback: 7212 }))
      .toMatchObject({ port: 9000, httpPort: 7212, domain: 'default', natsUrl: 'nats://127.0.0.1:4222', names: { subjectRoot: 'sb' }, redisPrefix: '' });
  });

  it('refuses to start without a secret, with a bad port or a domain that cannot be a subject token', () => {
    const port = { variable: 'AGENT_GATEWAY_PORT', fallback: 7201, httpVariable: 'AGENT_GATEWAY_HTTP_PORT', httpFallback: 7211 };
    expect(() => loadEdgeConfig({}, port)).toThrow(/SWITCHBOARD_JWT_SECRET must be set/);
    expect(() => loadEdgeConfig({ ...secret, AGENT_GATEWAY_PORT: 'x' }, port)).toThrow(/AGENT_GATEWAY_PORT="x" must be a number in 0..65535/);
    expect(() => loadEdgeConfig({ ...secret, SWITCHBOARD_DOMAIN: 'a.b' }, port)).toThrow(/SWITCHBOARD_DOMAIN/);
  });
});

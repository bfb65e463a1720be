import { describe, expect, it } from 'vitest';
import type { NatsConnection } from 'nats';
import { routerClients } from './router-clients.js';

describe('router clients per domain', () => {
  it('reuses a domain\'s client and holds at most the cap under ten times as many domains', () => {
    const clients = routerClients({} as NatsConnection, 'sb', 10);
    const first = clients.get('d0');
    expect(clients.get('d0')).toBe(first);
    for (let i = 0; i < 100; i++) {
      clients.get(`d${i}`);
      clients.get('d0'); // in use all along: never the one dropped
      expect(clients.size).toBeLessThanOrEqual(10);
    }
    expect(clients.get('d0')).toBe(first);
    expect(clients.get('d5').domain).toBe('d5');
  });
});

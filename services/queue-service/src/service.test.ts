import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { RoutingEvent, type WatchQueuesRequest, type WatchQueuesResponse } from '@switchboard/contracts';
import { createLogger } from '@switchboard/telemetry';
import type { QueueServiceDeps } from './deps.js';
import { LiveRates } from './live-rates.js';
import { watchQueues } from './service.js';

type Call = ServerWritableStream<WatchQueuesRequest, WatchQueuesResponse> & EventEmitter & { cancelled: boolean };

const fakeCall = (): Call => Object.assign(new EventEmitter(), {
  cancelled: false, destroyed: false, writableEnded: false, writableFinished: false, write: vi.fn(),
}) as unknown as Call;

const queue = { queueId: 'q', waiting: 0, offered: 0, config: { serviceLevel: { share: 0.8, withinSeconds: 20 } } };

function deps(rates: LiveRates): QueueServiceDeps {
  const router = { query: async (q: { query: string }) => (q.query === 'queues' ? { ok: true, queues: [queue] } : { ok: true, agents: [] }) };
  return { logger: createLogger({ service: 'qs-test', level: 'silent' }), defaultDomain: 'd', router: () => router, rates, now: Date.now } as unknown as QueueServiceDeps;
}

describe('WatchQueues', () => {
  afterEach(() => vi.useRealTimers());

  it('leaves no listener on the live rates for watchers that left, also before their stream was wired', async () => {
    vi.useFakeTimers();
    const rates = new LiveRates();
    const request = { domain: '', queueIds: [] } as unknown as WatchQueuesRequest;
    for (let i = 0; i < 20; i++) {
      const call = fakeCall();
      if (i % 2 === 0) {
        call.cancelled = true; // gone while its token was being verified: grpc-js emitted `cancelled` already
        call.emit('cancelled');
      }
      await watchQueues(deps(rates), request, { subject: 'ops', role: 'ops', domain: 'd', teams: [] }, call);
      if (i % 2 === 1) {
        expect(call.write).toHaveBeenCalled();
        call.cancelled = true;
        call.emit('cancelled');
      }
    }
    expect(rates.sizes().listeners).toBe(0);
    // Events for the queue schedule no pushes for gone watchers.
    rates.add(RoutingEvent.fromPartial({ domain: 'd', queueId: 'q', contactId: 'c', accepted: { reservationToken: 1, waitSeconds: 1 } }));
    expect(vi.getTimerCount()).toBe(0);
  });
});

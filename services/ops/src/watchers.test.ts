import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { RoutingEvent, type StreamEventsRequest, type StreamEventsResponse } from '@switchboard/contracts';
import type { BearerAuthenticator } from './auth/bearer.js';
import { streamEvents } from './grpc/server.js';
import { streamSse } from './http/sse.js';
import type { OpsMetrics } from './metrics.js';
import type { OpsQueries } from './ops-queries.js';
import type { EventFeed } from './queries/live-events.js';

/** A feed that yields `events`, then waits until closed, as an ordered consumer does. */
function fakeFeed(events: RoutingEvent[] = []) {
  let closed = false;
  let wake = () => undefined as void;
  const feed = {
    closes: 0,
    async close() { feed.closes++; closed = true; wake(); },
    async *[Symbol.asyncIterator]() {
      yield* events;
      while (!closed) await new Promise<void>((resolve) => { wake = resolve; });
    },
  };
  return feed as typeof feed & EventFeed;
}

function watcherGauge() {
  const open = { sse: 0, grpc: 0 };
  const metrics = { watchers: { inc: ({ edge }: { edge: 'sse' | 'grpc' }) => { open[edge]++; }, dec: ({ edge }: { edge: 'sse' | 'grpc' }) => { open[edge]--; } } };
  return { open, metrics: metrics as unknown as OpsMetrics };
}

describe('live event watchers close their feed in every ending', () => {
  it('SSE: a client gone while its feed was being opened gets its feed closed at once', async () => {
    const gone = Object.assign(new EventEmitter(), { destroyed: true }); // its 'close' was emitted already
    const out = { writeHead: vi.fn(), write: vi.fn(() => true), end: vi.fn(), destroyed: true };
    const feed = fakeFeed();
    let onClose = 0;
    const done = streamSse({ raw: gone } as unknown as FastifyRequest, { hijack: vi.fn(), raw: out } as unknown as FastifyReply, feed, () => onClose++);
    await expect.poll(() => feed.closes).toBe(1);
    await done;
    expect(onClose).toBe(1);
  });

  it('SSE: a live client gets events until it goes, then the feed is closed once', async () => {
    const raw = Object.assign(new EventEmitter(), { destroyed: false });
    const out = { writeHead: vi.fn(), write: vi.fn((_text: string) => true), end: vi.fn(), destroyed: false };
    const feed = fakeFeed([RoutingEvent.fromPartial({ id: 'e1', contactId: 'c1' })]);
    let onClose = 0;
    const done = streamSse({ raw } as unknown as FastifyRequest, { hijack: vi.fn(), raw: out } as unknown as FastifyReply, feed, () => onClose++);
    await expect.poll(() => out.write.mock.calls.some(([text]) => String(text).includes('"contactId":"c1"'))).toBe(true);
    expect(feed.closes).toBe(0);
    raw.emit('close');
    await done;
    expect([feed.closes, onClose]).toEqual([1, 1]);
  });

  const supervisor: BearerAuthenticator = { authenticate: async () => ({ subject: 'lead', role: 'supervisor', domain: 'd', teams: [], via: 'bearer' }) };

  it('gRPC StreamEvents: a client that cancelled while its feed was being opened gets it closed, and the gauge goes back', async () => {
    const { open, metrics } = watcherGauge();
    const feeds: ReturnType<typeof fakeFeed>[] = [];
    for (let i = 0; i < 10; i++) {
      const call = Object.assign(new EventEmitter(), { request: { domain: '', queueIds: [], agentIds: [], contactIds: [] }, metadata: new Metadata(), cancelled: false,
        write: vi.fn(), end: vi.fn(), destroy: vi.fn() });
      const feed = fakeFeed();
      feeds.push(feed);
      const queries = {
        domain: 'd',
        checkDomain: () => undefined,
        events: async () => { call.cancelled = true; call.emit('cancelled'); return feed; },
      } as unknown as OpsQueries;
      await streamEvents(call as unknown as ServerWritableStream<StreamEventsRequest, StreamEventsResponse>, queries, metrics, pino({ level: 'silent' }), supervisor);
    }
    expect(feeds.map((f) => f.closes)).toEqual(Array(10).fill(1));
    expect(open.grpc).toBe(0);
  });
});

import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoutingEvent } from '@switchboard/contracts';
import type { EventFeed } from '../queries/live-events.js';

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Streams a feed as server-sent events (`event: routing`, `data: <RoutingEvent JSON>`, `id:` the
 * event id) until the client goes away (also before this is called); then closes the feed, which
 * removes its consumer, and calls `onClose` once. Each event's JSON passes `redact` (the caller's role).
 */
export async function streamSse(request: FastifyRequest, reply: FastifyReply, feed: EventFeed, onClose: () => void,
  redact: (json: unknown) => unknown = (json) => json): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  out.write(': connected\n\n');
  const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
    void feed.close();
  };
  request.raw.on('close', close);
  // A client that left while the feed was being opened closed before the listener was there.
  if (request.raw.destroyed || out.destroyed) close();
  try {
    for await (const event of feed) {
      if (closed) break;
      out.write(`id: ${event.id}\nevent: routing\ndata: ${JSON.stringify(redact(RoutingEvent.toJSON(event)))}\n\n`);
    }
  } finally {
    close();
    out.end();
  }
}

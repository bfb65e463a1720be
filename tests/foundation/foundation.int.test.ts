import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, headers as natsHeaders } from 'nats';
import { trace } from '@opentelemetry/api';
import { extractFromNatsHeaders, getTracer, injectIntoNatsHeaders, startTestTelemetry, withSpan, type TestTelemetry } from '@switchboard/telemetry';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis } from '@switchboard/testkit';

/** The foundation's promise: tests reach real NATS JetStream and Redis, and trace context rides on NATS headers. */
describe('foundation: real NATS and Redis', () => {
  const scope = createTestScope('foundation');
  let nats: TestNats;
  let redis: TestRedis;
  let telemetry: TestTelemetry;

  beforeAll(async () => {
    telemetry = startTestTelemetry();
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
  });
  afterAll(async () => {
    await nats.cleanup();
    await redis.cleanup();
    await telemetry.shutdown();
  });

  it('publishes to and consumes from a JetStream stream, carrying a span\'s trace id intact', async () => {
    const stream = scope.stream('FOUNDATION');
    await nats.jsm.streams.add({ name: stream, subjects: [scope.subject('contacts.>')] });
    const tracer = getTracer('foundation-test');
    const sent = await withSpan(tracer, 'publish contact', {}, async (span) => {
      const h = natsHeaders();
      injectIntoNatsHeaders(h);
      await nats.js.publish(scope.subject('contacts.d1.phone'), new TextEncoder().encode('hello'), { headers: h, msgID: 'm1' });
      return span.spanContext();
    });

    await nats.jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    const consumer = await nats.js.consumers.get(stream, 'reader');
    const msg = await consumer.next({ expires: 5_000 });
    expect(msg).not.toBeNull();
    expect(new TextDecoder().decode(msg!.data)).toBe('hello');
    msg!.ack();

    const received = trace.getSpanContext(extractFromNatsHeaders(msg!.headers));
    expect(received?.traceId).toBe(sent.traceId);
    expect(received?.spanId).toBe(sent.spanId);
    expect(received?.isRemote).toBe(true);
    expect(telemetry.spans().map((s) => s.spanContext().traceId)).toContain(sent.traceId);
  });

  it('runs a Lua script atomically on Redis', async () => {
    const key = `${scope.redisPrefix}{d:${scope.domain}}:counter`;
    const incrementUnlessAbove = `
      local v = tonumber(redis.call('GET', KEYS[1]) or '0')
      if v >= tonumber(ARGV[1]) then return -1 end
      return redis.call('INCR', KEYS[1])`;
    const results = await Promise.all(Array.from({ length: 20 }, () => redis.redis.eval(incrementUnlessAbove, 1, key, 5)));
    expect(results.filter((r) => r !== -1).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await redis.redis.get(key)).toBe('5');
  });
});

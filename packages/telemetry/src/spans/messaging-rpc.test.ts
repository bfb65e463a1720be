import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { headers } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestTelemetry } from '../sdk/test-telemetry.js';
import type { TestTelemetry } from '../sdk/test-telemetry.js';
import { extractFromTraceCarrier } from '../propagation/trace-carrier.js';
import { withNatsProcessSpan, withNatsPublishSpan } from './messaging.js';
import { withGrpcClientSpan, withGrpcServerSpan } from './rpc.js';
import { getTracer, withSpan } from './with-span.js';

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
beforeEach(() => telemetry.reset());
afterAll(async () => {
  await telemetry.shutdown();
});

const tracer = getTracer('messaging-rpc-test');

describe('NATS spans', () => {
  it('links the process span to the publish span through the message headers', async () => {
    const h = headers();
    await withNatsPublishSpan(tracer, { subject: 'sb.contacts.acme.phone', headers: h, messageId: 'c-1' }, async () => {
      await Promise.resolve(); // stands in for js.publish(subject, data, { headers: h })
    });
    // Delivered elsewhere, with no ambient context: only the headers connect the two.
    withNatsProcessSpan(tracer, { subject: 'sb.contacts.acme.phone', headers: h }, () => undefined);

    const [publish, process] = telemetry.spans();
    expect(publish).toMatchObject({ name: 'publish sb.contacts.acme.phone', kind: SpanKind.PRODUCER });
    expect(publish?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': 'sb.contacts.acme.phone',
      'messaging.operation.type': 'send',
      'messaging.message.id': 'c-1',
    });
    expect(process).toMatchObject({ name: 'process sb.contacts.acme.phone', kind: SpanKind.CONSUMER });
    expect(process?.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'process' });
    expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(process?.spanContext().traceId).toBe(publish?.spanContext().traceId);
  });

  it('carries the context in an item\'s trace carrier when one message holds items of several traces', () => {
    const carriers = [{}, {}] as Record<string, string>[];
    for (const carrier of carriers) {
      withSpan(tracer, 'route contact', {}, () =>
        withNatsPublishSpan(tracer, { subject: 'sb.agent.acme.a-17', traceCarrier: carrier }, () => undefined));
    }
    // Delivered together; each item's span continues its own trace.
    for (const carrier of carriers) {
      withNatsProcessSpan(tracer, { subject: 'sb.agent.acme.a-17', parent: extractFromTraceCarrier(carrier, ROOT_CONTEXT) }, () => undefined);
    }

    const spans = telemetry.spans();
    const publishes = spans.filter((s) => s.kind === SpanKind.PRODUCER);
    const processes = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(publishes).toHaveLength(2);
    expect(publishes[0]?.spanContext().traceId).not.toBe(publishes[1]?.spanContext().traceId);
    expect(processes.map((p) => p.parentSpanContext?.spanId)).toEqual(publishes.map((p) => p.spanContext().spanId));
    expect(processes.map((p) => p.spanContext().traceId)).toEqual(publishes.map((p) => p.spanContext().traceId));
  });

  it('names spans after the subject template when one is given', () => {
    const target = { subject: 'sb.agent.acme.a-17', subjectTemplate: 'sb.agent.{domain}.{agentId}', headers: headers() };
    withNatsPublishSpan(tracer, target, () => undefined);

    const [span] = telemetry.spans();
    expect(span?.name).toBe('publish sb.agent.{domain}.{agentId}');
    expect(span?.attributes).toMatchObject({
      'messaging.destination.name': 'sb.agent.acme.a-17',
      'messaging.destination.template': 'sb.agent.{domain}.{agentId}',
    });
  });
});

describe('gRPC spans', () => {
  it('parents the server span on the client span and records status codes', async () => {
    const metadata = new Metadata();
    const call = { service: 'switchboard.v1.AgentService', method: 'AcceptOffer', metadata };
    await withGrpcClientSpan(tracer, call, async () => {
      await Promise.resolve();
    });
    const unavailable = Object.assign(new Error('agent gone'), { code: 14 });
    expect(() => withGrpcServerSpan(tracer, call, () => { throw unavailable; })).toThrow(unavailable);

    const [client, server] = telemetry.spans();
    expect(client).toMatchObject({ name: 'switchboard.v1.AgentService/AcceptOffer', kind: SpanKind.CLIENT });
    expect(client?.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'switchboard.v1.AgentService',
      'rpc.method': 'AcceptOffer',
      'rpc.grpc.status_code': 0,
    });
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(server?.attributes['rpc.grpc.status_code']).toBe(14);
    expect(server?.status.code).toBe(SpanStatusCode.ERROR);
  });
});

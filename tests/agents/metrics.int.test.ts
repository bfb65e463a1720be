import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { DEFAULT_BUS_NAMES, ensureStreams } from '@switchboard/bus';
import { freePort, ServiceProcess, startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { bufCurl } from './support/buf-curl.js';

const answers = (url: string) => async () => (await fetch(url)).status === 200;

/**
 * Prometheus reaches the gRPC edges on their HTTP side ports: the agent gateway and the queue
 * service each run as their own process (their real `main.ts`) and answer /metrics there, with
 * the service label on every series, beside /healthz, /readyz and the gRPC port itself.
 */
describe('metrics side ports of agent-gateway and queue-service', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  const processes: ServiceProcess[] = [];
  const ports = { gatewayGrpc: 0, gatewayHttp: 0, queueGrpc: 0, queueHttp: 0 };

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    const nc = await connect({ servers: nats.url });
    await ensureStreams(await nc.jetstreamManager(), DEFAULT_BUS_NAMES);
    await nc.drain();
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const common = { NATS_URL: nats.url, REDIS_URL: redis.url, SWITCHBOARD_DOMAIN: 'metrics', SWITCHBOARD_JWT_SECRET: 'metrics-test-secret-0123456789', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const started = await Promise.allSettled([
      ServiceProcess.start({ entry: 'services/agent-gateway/src/main.ts', ready: answers(`http://127.0.0.1:${ports.gatewayHttp}/readyz`),
        env: { ...common, AGENT_GATEWAY_PORT: String(ports.gatewayGrpc), AGENT_GATEWAY_HTTP_PORT: String(ports.gatewayHttp) } }),
      ServiceProcess.start({ entry: 'services/queue-service/src/main.ts', ready: answers(`http://127.0.0.1:${ports.queueHttp}/readyz`),
        env: { ...common, QUEUE_SERVICE_PORT: String(ports.queueGrpc), QUEUE_SERVICE_HTTP_PORT: String(ports.queueHttp) } }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') processes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it.each([
    { service: 'agent-gateway', http: () => ports.gatewayHttp, grpc: () => ports.gatewayGrpc, grpcService: 'switchboard.v1.AgentService' },
    { service: 'queue-service', http: () => ports.queueHttp, grpc: () => ports.queueGrpc, grpcService: 'switchboard.v1.QueueService' },
  ])('$service answers /metrics in the Prometheus text format', async ({ service, http, grpc, grpcService }) => {
    const response = await fetch(`http://127.0.0.1:${http()}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toMatch(/^# HELP sb_process_\w*cpu_seconds_total /m);
    expect(body).toMatch(/^# TYPE sb_process_\w*resident_memory_bytes gauge$/m);
    // Every series carries the service label, so one Prometheus tells the edges apart.
    const samples = body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.every((line) => line.includes(`service="${service}"`))).toBe(true);
    expect(await (await fetch(`http://127.0.0.1:${http()}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`http://127.0.0.1:${http()}/nope`)).status).toBe(404);
    // The same process serves gRPC on its own port.
    expect(await bufCurl(grpc(), 'grpc.health.v1.Health/Check', { service: grpcService })).toMatchObject({ ok: true, body: { status: 'SERVING' } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { connect, DiscardPolicy, type NatsConnection, type StreamInfo } from 'nats';
import { audit, readDomainRecord } from '@switchboard/auditor';
import { DEFAULT_BUS_NAMES, DEFAULT_STREAM_LIMITS, ensureStreams, streamConfigs } from '@switchboard/bus';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { pumpContacts } from '../support/contact-pump.js';
import { SimulatedDesks } from '../support/simulated-desks.js';
import { RouterProcess } from '../support/router-process.js';
import { faultLine } from '../support/fault-line.js';
import { loadRules } from '../support/load-rules.js';

const CONTACTS = 5_000;
const RATE = 200; // contacts per second, steady
const DOMAIN = 'full';
// Small enough that the load writes ROUTING's worth several times over (~3 KB of records a contact).
const ROUTING_MAX_BYTES = 2 * 1024 * 1024;
const limits = { ...DEFAULT_STREAM_LIMITS, routingMaxBytes: ROUTING_MAX_BYTES };
const names = DEFAULT_BUS_NAMES; // private servers: production names are ours alone
/** Ingest → first offer on a desk, for any contact, however full ROUTING is. */
const MAX_OFFER_LATENCY_MS = 10_000;

/** The value of the series `name{stream="..."}` on a Prometheus page, or undefined. */
function gauge(page: string, name: string, stream: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${name}{`) && l.slice(0, l.indexOf('}')).includes(`stream="${stream}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a full ROUTING stream', () => {
  let nats: PrivateServer | undefined;
  let redis: PrivateServer | undefined;
  let nc: NatsConnection | undefined;
  let router: RouterProcess | undefined;
  let desks: SimulatedDesks | undefined;
  afterEach(async () => {
    desks?.stop();
    await router?.stop();
    await nc?.close().catch(() => undefined);
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it('drops its oldest records and routing goes on: every accepted contact routed and completed', async () => {
    const started = Date.now();
    nats = await startPrivateNats();
    redis = await startPrivateRedis();
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    const jsm = await nc.jetstreamManager();
    // ROUTING as deployments before this change created it (refusing when full); ensureStreams
    // must turn it into a stream that drops its oldest records.
    const routingConfig = streamConfigs(names, limits).find((c) => c.name === names.routingStream)!;
    await jsm.streams.add({ ...routingConfig, discard: DiscardPolicy.New });
    await ensureStreams(jsm, names, limits);
    expect((await jsm.streams.info(names.routingStream)).config).toMatchObject({ discard: 'old', max_bytes: ROUTING_MAX_BYTES });

    router = await RouterProcess.start({ natsUrl: nats.url, redisUrl: redis.url, domains: DOMAIN, rules: loadRules, replicaId: 'r1',
      // The router ensures the streams too: with its own limits, or it would grow ROUTING back.
      extraEnv: { SB_ROUTING_MAX_BYTES: String(ROUTING_MAX_BYTES), ROUTER_STREAM_USAGE_INTERVAL_MS: '500' } });
    desks = new SimulatedDesks(nc, { domain: DOMAIN, names, agents: 20, capacity: { chat: 3 }, handleMs: 20 });
    await desks.start();

    // ROUTING's first sequence while the load runs: it must advance (old records dropped).
    const firstSeqs: number[] = [];
    const watching = setInterval(() => void jsm.streams.info(names.routingStream).then((i) => firstSeqs.push(i.state.first_seq), () => undefined), 500);
    const plan = Array.from({ length: CONTACTS }, (_, i) => ({ domain: DOMAIN, id: `full-${i}` }));
    const publishedAt = new Map<string, number>();
    const pumpStarted = Date.now();
    const accepted = await pumpContacts(nc.jetstream(), names, plan, { concurrency: 8, ratePerSecond: RATE, onPublished: (id, at) => publishedAt.set(id, at) });
    const pumpMs = Date.now() - pumpStarted;
    expect(accepted).toHaveLength(CONTACTS);

    // Routing never stopped: the last contact is offered within the bound, and so is every other.
    const last = plan[plan.length - 1]!.id;
    await expect.poll(() => desks!.firstOfferAt.get(last), { timeout: MAX_OFFER_LATENCY_MS, interval: 100 }).toBeDefined();
    await expect.poll(() => desks!.completed.size, { timeout: 30_000, interval: 250 }).toBe(CONTACTS);
    clearInterval(watching);
    const latencies = plan.map(({ id }) => desks!.firstOfferAt.get(id)! - publishedAt.get(id)!).sort((a, b) => a - b);
    const maxLatency = latencies[latencies.length - 1]!;
    expect(maxLatency).toBeLessThan(MAX_OFFER_LATENCY_MS);

    // The stream really filled, several times, and dropped its oldest records.
    const info: StreamInfo = await jsm.streams.info(names.routingStream);
    const bytesPerMessage = info.state.bytes / info.state.messages;
    const fills = (info.state.last_seq * bytesPerMessage) / ROUTING_MAX_BYTES;
    expect(info.state.first_seq).toBeGreaterThan(1);
    expect(firstSeqs.filter((seq, i) => i > 0 && seq > firstSeqs[i - 1]!).length).toBeGreaterThan(3);
    expect(fills).toBeGreaterThan(3);

    // The router shows it: ROUTING at its limit, the first sequence advanced.
    const page = await router.metrics();
    const usage = gauge(page, 'sb_stream_usage_ratio', names.routingStream);
    expect(usage).toBeGreaterThan(0.9);
    expect(usage).toBeLessThanOrEqual(1);
    expect(gauge(page, 'sb_stream_first_sequence', names.routingStream)).toBeGreaterThan(1);
    expect(gauge(page, 'sb_stream_max_bytes', names.routingStream)).toBe(ROUTING_MAX_BYTES);
    expect(gauge(page, 'sb_stream_usage_ratio', names.contactsStream)).toBeLessThan(0.01);

    // The auditor, on what ROUTING still holds: nothing lost, doubled, over capacity or out of
    // order; contacts whose whole history was dropped are set apart, and there were some.
    const report = audit({ ...(await readDomainRecord(nc.jetstream(), jsm, names, DOMAIN)), expectAllFinished: true });
    if (report.findings.length) console.log(report.findings.slice(0, 10), router.logs.slice(-3_000));
    expect(report).toMatchObject({ accepted: CONTACTS, lost: 0, doubleAssigned: 0, overCapacity: 0, orderViolations: 0 });
    expect(report.historyTruncated).toBeGreaterThan(0);
    expect(report.finished + report.historyTruncated).toBe(CONTACTS);
    expect(desks.completed.size).toBe(CONTACTS);

    console.log(`${faultLine('routing-full', report)} history_truncated=${report.historyTruncated}`);
    console.log(`fault figures: routing-full ROUTING filled ${fills.toFixed(1)}x (${info.state.last_seq} records, ${info.state.first_seq - 1} dropped, ` +
      `${Math.round(bytesPerMessage)} B each, usage ratio ${usage!.toFixed(3)}), pumped ${CONTACTS} in ${pumpMs} ms, ingest->offer p50 ${latencies[Math.floor(CONTACTS / 2)]} ms ` +
      `max ${maxLatency} ms, run ${Date.now() - started} ms`);
  }, 90_000);
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Msg, Subscription } from 'nats';
import { Channel, Contact, ContactRecord, RoutingEvent } from '@switchboard/contracts';
import { contactsSubject, routingSubject } from '@switchboard/bus';
import { agentEventsOf, batchMayHold, ROUTING_BATCH, routingEventsOf } from '@switchboard/router-api';
import { freePort, ServiceProcess } from '@switchboard/testkit';
import { seconds, type BenchServers } from './bench-servers.js';
import { rounded, summarize, type LatencySummary } from './latency.js';
import { rssMb } from './router-throughput.js';
import { loadScaleDomain, type ScaleSize } from './scale-load.js';
import { signedCommand } from './bench-signer.js';

/** Figures of the scale run. */
export interface ScaleResult {
  readonly agents: number;
  readonly queues: number;
  readonly waitingContacts: number;
  readonly busyAgents: number;
  readonly loadedHow: string;
  readonly logRecords: number;
  readonly loadSeconds: number;
  /** Router start to domain owned: replaying the whole log into the engine. */
  readonly rebuildSeconds: number;
  readonly redisUsedMemoryMb: number;
  readonly routerRssMb: number;
  /** COMPLETE request sent → the freed agent's next offer received (best of the waiting contacts). */
  readonly agentFreedToOfferMs: LatencySummary;
  /** Contact published to CONTACTS → its ContactQueued event seen in a ROUTING batch (no free agent). */
  readonly arrivalToQueuedMs: LatencySummary;
}

const LOADED_HOW = 'command log written straight into Redis with the router\'s own commit script and command ids (each command applied to a RoutingEngine first); the router then rebuilt the domain from that log as on any takeover';

/**
 * 50,000 agents, 5,000 queues, 1,000,000 waiting contacts in one domain owned by one router
 * process; then, one at a time so no queueing hides in the figure, `measured` agents are freed
 * (each picks the best waiting contact across its queues) and `measured` new contacts arrive.
 */
export async function measureScale(s: BenchServers, size: ScaleSize & { measured: number }, log: (line: string) => void): Promise<ScaleResult> {
  const domain = `scale${Date.now() % 100_000}`;
  const loaded = await loadScaleDomain(s, domain, size, log);
  log(`scale: ${loaded.logRecords} log records written in ${loaded.loadSeconds.toFixed(1)} s; starting the router`);
  const redisUsedMemoryMb = Number(/used_memory:(\d+)/.exec(await s.rd.info('memory'))?.[1] ?? 0) / 2 ** 20;
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'sb-scale-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(loaded.rulesFile));
  const port = await freePort();
  const started = performance.now();
  const router = await ServiceProcess.start({
    entry: 'services/router/src/main.ts', nodeArgs: ['--max-old-space-size=8192'], startTimeoutMs: 60_000,
    env: { NATS_URL: s.nats.url, REDIS_URL: s.redis.url, ROUTER_DOMAINS: domain, ROUTER_RULES_FILE: rulesFile, ROUTER_REPLICA_ID: 'scale',
      ROUTER_HTTP_PORT: String(port), LOG_LEVEL: 'warn', OTEL_TRACES_SAMPLER_ARG: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', ROUTER_LEASE_TTL_MS: '30000' },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  });
  const subs: Subscription[] = [];
  try {
    for (;;) {
      const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { domains: string[] };
      if (body.domains.includes(domain)) break;
      if (seconds(started) > 900) throw new Error('scale: the router did not rebuild the domain within 15 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    const rebuildSeconds = seconds(started);
    log(`scale: router rebuilt the domain in ${rebuildSeconds.toFixed(1)} s; measuring`);
    const waiters = new Map<string, (event: RoutingEvent) => void>();
    const listen = (subject: string, events: (msg: Msg) => RoutingEvent[], key: (e: RoutingEvent) => string) => subs.push(s.nc.subscribe(subject, {
      callback: (error, msg) => { if (!error) for (const e of events(msg)) waiters.get(key(e))?.(e); },
    }));
    listen(`${s.names.subjectRoot}.agent.${domain}.*`, (msg) => agentEventsOf(msg.data).map((e) => e.event), (e) => (e.offered ? `offer:${e.agentId}` : ''));
    // ROUTING batches reach plain subscribers too, as the stream stores them; those without a
    // ContactQueued are not decoded.
    listen(routingSubject(s.names, domain, ROUTING_BATCH), (msg) => (batchMayHold(msg.headers, ['ContactQueued']) ? routingEventsOf(msg.data) : []),
      (e) => (e.queued ? `queued:${e.contactId}` : ''));
    await s.nc.flush();
    const next = (key: string) => new Promise<RoutingEvent>((resolve, reject) => {
      const timer = setTimeout(() => { waiters.delete(key); reject(new Error(`scale: no ${key} within 10 s`)); }, 10_000);
      waiters.set(key, (e) => { clearTimeout(timer); waiters.delete(key); resolve(e); });
    });
    const command = async (id: string, cmd: Record<string, unknown>) => {
      const subject = `${s.names.subjectRoot}.router.${domain}.cmd`;
      const body = new TextEncoder().encode(JSON.stringify({ id, command: cmd }));
      const reply = JSON.parse(new TextDecoder().decode((await s.nc.request(subject, body, { timeout: 10_000, ...signedCommand(subject, body) })).data)) as { ok: boolean; message?: string };
      if (!reply.ok) throw new Error(`scale: ${id}: ${reply.message ?? 'refused'}`);
    };
    const freed: number[] = [];
    for (const [agentId, contactId] of [...loaded.connected].slice(0, size.measured)) {
      const offered = next(`offer:${agentId}`);
      const t0 = performance.now();
      await command(`${contactId}:complete`, { type: 'COMPLETE', contactId, agentId, disposition: 'done' });
      const offer = await offered;
      freed.push(performance.now() - t0);
      await command(`${offer.contactId}:accept`, { type: 'ACCEPT', contactId: offer.contactId, agentId, offerToken: offer.offered!.reservationToken });
    }
    const arrived: number[] = [];
    const js = s.nc.jetstream();
    for (let i = 0; i < size.measured; i++) {
      const contact = Contact.fromPartial({ id: `${domain}-new${i}`, domain, channel: Channel.CHANNEL_PHONE, queueId: `q${(i * 13) % size.queues}`, receivedAt: new Date(), customer: { id: `cust-new${i}` } });
      const queued = next(`queued:${contact.id}`);
      const t0 = performance.now();
      await js.publish(contactsSubject(s.names, domain, 'phone'), ContactRecord.encode({ arrived: contact }).finish(), { msgID: contact.id });
      await queued;
      arrived.push(performance.now() - t0);
    }
    return {
      agents: size.agents, queues: size.queues, waitingContacts: loaded.waiting, busyAgents: loaded.connected.size, loadedHow: LOADED_HOW,
      logRecords: loaded.logRecords, loadSeconds: round(loaded.loadSeconds), rebuildSeconds: round(rebuildSeconds),
      redisUsedMemoryMb: round(redisUsedMemoryMb), routerRssMb: round(rssMb(router.pid)),
      agentFreedToOfferMs: rounded(summarize(freed), 3), arrivalToQueuedMs: rounded(summarize(arrived), 3),
    };
  } finally {
    for (const sub of subs) sub.unsubscribe();
    await router.stop();
    await s.rd.flushdb();
  }
}

const round = (x: number) => Number(x.toFixed(2));

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'nats';
import { Channel, Contact, ContactRecord } from '@switchboard/contracts';
import { agentEventsOf } from '@switchboard/router-api';
import { contactsSubject } from '@switchboard/bus';
import { domainKeys } from '@switchboard/state';
import { freePort, ServiceProcess } from '@switchboard/testkit';
import type { BenchServers } from './bench-servers.js';
import { rounded, summarize, type LatencySummary } from './latency.js';
import { rssMb } from './router-throughput.js';
import { loadSoakDomain, SOAK_QUEUE, type SoakLoaded, type SoakSize } from './soak-load.js';
import { signedCommand } from './bench-signer.js';

/** How the routers of a soak case run. */
export interface SoakSettings {
  readonly leaseTtlMs: number;
  readonly checkpointEveryCommands: number;
  readonly checkpointIntervalMs: number;
  /** kill -9 takeovers measured (the figure is their median). */
  readonly takeovers: number;
  /** Agents cycling at once while the router is driven between measurements. */
  readonly churnAgents: number;
  /** Driving before each kill, so the takeover has a log tail to replay. */
  readonly tailChurnMs: number;
  /** Each settling gives up after this long (the case's figures then say it did not settle). */
  readonly settleDeadlineMs: number;
  /** A takeover or a Redis loss not routing again after this long fails the rest of the case. */
  readonly stepTimeoutMs: number;
}

/** What a `domain state rebuilt` log line says. */
export interface RebuildLine {
  readonly source: string;
  readonly replayed: number;
  readonly fromCheckpoint: number | null;
  readonly live: number;
  readonly ms: number;
  /** The new owner went on from the state it had followed as a standby (no checkpoint loaded). */
  readonly warm: boolean;
}

/** The domain's Redis keys and the server's memory. */
export interface RedisFigures {
  readonly usedMemoryMb: number;
  readonly logXlen: number;
  readonly appliedHlen: number;
  readonly appliedPreviousHlen: number;
  readonly checkpointBytes: number;
  readonly timersZcard: number;
  readonly outboxXlen: number;
  /** MEMORY USAGE of the domain's keys together. */
  readonly domainKeysMb: number;
}

/** One kill -9 of the owner, a standby taking over. */
export interface TakeoverFigures {
  /** kill -9 → the freed agent's next offer on its desk subject. */
  readonly killToOfferMs: number;
  /** kill -9 → the new owner started opening the domain (lease lapse + its next tick). */
  readonly leaseWaitMs: number;
  /** The new owner's rebuild (its `domain state rebuilt` line). */
  readonly rebuild: RebuildLine;
  /** Log entries after the checkpoint when the owner was killed: what a takeover should replay. */
  readonly logTailAtKill: number;
}

/** A settling: driven until enough checkpoints, then quiet until the log is compacted. */
export interface Settling {
  /** False when the deadline passed first (the figures after it are of an unsettled domain). */
  readonly settled: boolean;
  readonly seconds: number;
}

/** Who held the domain: acquisitions of its lease and why workers stopped, over the case. */
export interface OwnershipFigures {
  /** The lease's fencing counter: one per acquisition (the loader's included). */
  readonly leaseAcquisitions: number;
  readonly rebuilds: number;
  /** `domain worker stopped` reasons and how often, kills and shutdowns aside. */
  readonly workerStops: Record<string, number>;
}

/** One soak case. Steps after a failed one are left out and the failure is in `errors`. */
export interface SoakCaseResult {
  readonly size: SoakSize;
  readonly load: Omit<SoakLoaded, 'rulesFile' | 'connected'>;
  /** The first owner opening the domain from the loaded log (every history record). */
  firstRebuild?: RebuildLine;
  firstRebuildSeconds?: number;
  /** After the first rebuild: a checkpoint durable, the log compacted, the idempotency index rotated twice. */
  settled?: Settling & { readonly redis: RedisFigures; readonly firstOwnerRssMb: number; readonly standbyRssMb: number; readonly ownership: OwnershipFigures };
  readonly takeovers: TakeoverFigures[];
  takeoverMs?: { readonly median: number; readonly min: number; readonly max: number };
  /** Settled again after the takeovers: the owner opened the domain from a checkpoint plus a tail. */
  afterTakeovers?: Settling & { readonly redis: RedisFigures; readonly routerRssMb: number; readonly routerHeapUsedMb: number };
  redisLoss?: {
    /** The empty Redis accepting connections → the freed agent's next offer. */
    readonly upToOfferMs: number;
    /** Redis stopped → the freed agent's next offer. */
    readonly downToOfferMs: number;
    readonly rebuild: RebuildLine;
    readonly redisAfter: RedisFigures;
  };
  checkpoints?: {
    readonly count: number;
    /** The longest event-loop wait each checkpoint caused: its capture or its longest encoding slice. */
    readonly pauseMs: LatencySummary;
    readonly captureMs: LatencySummary;
    /** Encoding start to end (routing goes on between its slices). */
    readonly encodeMs: LatencySummary;
    readonly encodeSliceMaxMs: LatencySummary;
    readonly durableMs: LatencySummary;
    readonly bytes: { readonly min: number; readonly max: number };
  };
  ownership?: OwnershipFigures;
  /** Contacts completed while driving the router (history beside the loaded one). */
  drivenCycles?: number;
  /** Where each router's output was written. */
  readonly routerLogs: string;
  readonly errors: string[];
  seconds?: number;
}

interface Router {
  readonly id: string;
  readonly port: number;
  readonly process: ServiceProcess;
}

interface Offer {
  readonly contactId: string;
  readonly token: number;
}

interface LogLine extends Record<string, unknown> {
  readonly msg: string;
  readonly time: number;
}

/** How the history got into the domain (the README says the same). */
export const SOAK_LOADED_HOW = 'history and live state written straight into the Redis command log with the router\'s own commit script, records and command ids '
  + '(each command applied to a RoutingEngine first, on a simulated clock of one arrival a second; timers fired at their due time, stale ones dropped unlogged as the router does); '
  + 'the first router replays that whole log, checkpoints and compacts it; everything after is live routers driven over NATS';

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One soak case: a domain holding `size.agents` busy agents and `size.waiting` waiting contacts
 * after `size.history` completed contacts, loaded into Redis by {@link loadSoakDomain}; two router
 * processes (owner and standby) with checkpoints on. The owner rebuilds from the loaded log and
 * checkpoints; the router is then driven (agents complete, end wrap-up and accept the next
 * waiting contact while as many new contacts arrive on CONTACTS, so the live state stays fixed)
 * until two more checkpoints rotated the idempotency index, and left quiet until the log is
 * compacted: Redis and RSS figures. Then kill -9 of the owner, `takeovers` times, each right
 * after a short drive, timed until a freed agent's next offer is on its desk subject; then Redis
 * is restarted empty (it keeps nothing on disk) and timed the same way while the router rebuilds
 * from the JetStream archive and ROUTING.
 */
export async function measureSoakCase(s: BenchServers, size: SoakSize, settings: SoakSettings, log: (line: string) => void): Promise<SoakCaseResult> {
  const caseStarted = performance.now();
  const domain = `soak${Date.now() % 1_000_000}`;
  const keys = domainKeys(domain);
  await s.rd.flushdb();
  const loaded = await loadSoakDomain(s, domain, size, log);
  log(`soak ${domain}: ${loaded.logRecords} log records (${loaded.completed} completed contacts over ${loaded.historyHours} h) written in ${loaded.loadSeconds.toFixed(1)} s`);
  const dir = mkdtempSync(join(tmpdir(), 'sb-soak-'));
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(loaded.rulesFile));
  const connected = new Map(loaded.connected);
  const routers: Router[] = [];
  const everyRouter: Router[] = [];
  const subs: Subscription[] = [];
  let replicaSeq = 0;
  let arrivals = 0;
  let cycles = 0;

  const startRouter = async (): Promise<Router> => {
    const id = `soak-${replicaSeq++}`;
    const port = await freePort();
    const process = await ServiceProcess.start({
      entry: 'services/router/src/main.ts', nodeArgs: ['--max-old-space-size=8192'], startTimeoutMs: 60_000,
      env: {
        NATS_URL: s.nats.url, REDIS_URL: s.redis.url, ROUTER_DOMAINS: domain, ROUTER_RULES_FILE: rulesFile, ROUTER_REPLICA_ID: id,
        ROUTER_HTTP_PORT: String(port), LOG_LEVEL: 'info', OTEL_TRACES_SAMPLER_ARG: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        ROUTER_LEASE_TTL_MS: String(settings.leaseTtlMs), ROUTER_CHECKPOINT_EVERY_COMMANDS: String(settings.checkpointEveryCommands),
        ROUTER_CHECKPOINT_INTERVAL_MS: String(settings.checkpointIntervalMs),
      },
      ready: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    });
    const router = { id, port, process };
    routers.push(router);
    everyRouter.push(router);
    return router;
  };
  const lines = (router: Router, msg: string): LogLine[] => router.process.logs.split('\n').flatMap((text) => {
    if (!text.startsWith('{')) return [];
    try {
      const line = JSON.parse(text) as LogLine;
      return line.msg === msg && line.domain === domain ? [line] : [];
    } catch {
      return [];
    }
  });
  const allLines = (msg: string) => everyRouter.flatMap((r) => lines(r, msg)).sort((a, b) => a.time - b.time);
  const owner = async (): Promise<Router | undefined> => {
    const holder = (await s.rd.get(keys.lease))?.split('|')[0];
    return routers.find((r) => r.id === holder);
  };
  const health = async (router: Router) => {
    try {
      return (await (await fetch(`http://127.0.0.1:${router.port}/healthz`)).json()) as { domains: string[]; following?: Record<string, number> };
    } catch {
      return undefined;
    }
  };
  const ownedBy = async (router: Router) => (await health(router))?.domains.includes(domain) ?? false;
  /** A standby started for a kill follows the domain before the kill, as one in service long since does. */
  const startStandby = async () => {
    const standby = await startRouter();
    await until('the standby following the domain', 120_000, async () => (await health(standby))?.following?.[domain] !== undefined, 100);
    return standby;
  };
  const until = async (what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, pollMs = 50) => {
    const deadline = performance.now() + timeoutMs;
    while (!(await check())) {
      if (performance.now() > deadline) throw new Error(`soak ${domain}: ${what} not within ${timeoutMs / 1000} s`);
      await sleep(pollMs);
    }
  };

  // Desks: every offer to an agent of the domain, for whoever waits on that agent.
  const offerWaiters = new Map<string, (offer: Offer) => void>();
  const seenOffers = new Set<string>();
  subs.push(s.nc.subscribe(`${s.names.subjectRoot}.agent.${domain}.*`, {
    callback: (error, msg) => {
      if (error) return;
      for (const { event } of agentEventsOf(msg.data)) {
        if (!event.offered || seenOffers.has(event.contactId)) continue; // a takeover may relay an offer again
        seenOffers.add(event.contactId);
        offerWaiters.get(event.agentId)?.({ contactId: event.contactId, token: event.offered.reservationToken });
      }
    },
  }));
  await s.nc.flush();
  const nextOffer = (agentId: string, timeoutMs: number) => new Promise<Offer>((resolve, reject) => {
    const timer = setTimeout(() => { offerWaiters.delete(agentId); reject(new Error(`soak ${domain}: no offer to ${agentId} within ${timeoutMs / 1000} s`)); }, timeoutMs);
    offerWaiters.set(agentId, (offer) => { clearTimeout(timer); offerWaiters.delete(agentId); resolve(offer); });
  });
  /** A desk command through the router's API, retried with the same id until the owner answers (idempotent). */
  const command = async (id: string, cmd: Record<string, unknown>, timeoutMs = 60_000) => {
    const body = new TextEncoder().encode(JSON.stringify({ id, command: cmd }));
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let reply: { ok: boolean; code?: string; message?: string } | undefined;
      try {
        const subject = `${s.names.subjectRoot}.router.${domain}.cmd`;
        reply = JSON.parse(new TextDecoder().decode((await s.nc.request(subject, body, { timeout: 250, ...signedCommand(subject, body) })).data)) as typeof reply;
      } catch {
        // No owner yet (no responders), or a timeout: right after a kill -9 NATS may still route
        // a request to the dead owner's subscription, so a long timeout would be measured as
        // takeover time. Retrying with the same id is idempotent.
      }
      if (reply?.ok) return;
      if (reply && reply.code !== 'UNAVAILABLE') throw new Error(`soak ${domain}: ${id}: ${reply.code}: ${reply.message ?? ''}`);
      if (performance.now() > deadline) throw new Error(`soak ${domain}: ${id} not answered within ${timeoutMs / 1000} s`);
      await sleep(10);
    }
  };
  const waitingNow = async () => {
    try {
      const reply = JSON.parse(new TextDecoder().decode((await s.nc.request(`${s.names.subjectRoot}.router.${domain}.query`,
        new TextEncoder().encode(JSON.stringify({ query: 'queue', queueId: SOAK_QUEUE })), { timeout: 1_000 })).data)) as { queue?: { depth: number } };
      return reply.queue?.depth ?? -1;
    } catch {
      return -1;
    }
  };
  const js = s.nc.jetstream();
  const arrive = async () => {
    const contact = Contact.fromPartial({ id: `${domain}-new${arrivals++}`, domain, channel: Channel.CHANNEL_PHONE, queueId: SOAK_QUEUE,
      receivedAt: new Date(), customer: { id: `cust-new${arrivals}` }, summary: 'soak benchmark contact' });
    await js.publish(contactsSubject(s.names, domain, 'phone'), ContactRecord.encode({ arrived: contact }).finish(), { msgID: contact.id });
  };
  /**
   * One agent finishes its contact and ends wrap-up, takes the next waiting contact, and one new
   * contact arrives in its place: the live state is the same after it. Resolves with the time
   * the offer was seen.
   */
  const cycle = async (agentId: string, timeoutMs = 60_000): Promise<number> => {
    const contactId = connected.get(agentId)!;
    const offered = nextOffer(agentId, timeoutMs);
    offered.catch(() => undefined);
    await command(`${contactId}:complete`, { type: 'COMPLETE', contactId, agentId, disposition: 'resolved' }, timeoutMs);
    await command(`${contactId}:ready`, { type: 'END_WRAP_UP', contactId, agentId }, timeoutMs);
    const offer = await offered;
    const at = performance.now();
    await command(`${offer.contactId}:accept`, { type: 'ACCEPT', contactId: offer.contactId, agentId, offerToken: offer.token }, timeoutMs);
    connected.set(agentId, offer.contactId);
    await arrive();
    cycles++;
    return at;
  };
  const agentIds = [...connected.keys()];
  let nextAgent = 0;
  const pickAgent = () => agentIds[nextAgent++ % agentIds.length]!;
  /** Drives the router with `settings.churnAgents` cycles at once until `stop()` is true. */
  const churn = async (stop: () => boolean) => {
    await Promise.all(Array.from({ length: Math.min(settings.churnAgents, agentIds.length) }, async (_, lane) => {
      // Each lane keeps to its own agents, so no two cycles share one.
      const mine = agentIds.filter((_, i) => i % settings.churnAgents === lane);
      for (let k = 0; !stop(); k++) await cycle(mine[k % mine.length]!, settings.stepTimeoutMs);
    }));
  };
  const checkpointCount = () => allLines('checkpoint written').length;
  /**
   * Drives the router until `checkpoints` more checkpoints are durable (so the idempotency index
   * has rotated past anything older), then leaves it quiet until a checkpoint covers the whole
   * log and the log is compacted. A compaction lost with the lease leaves covered entries in the
   * log until the next checkpoint, which needs new commands: a few more cycles then. Gives up at
   * `deadlineMs` and says so (a router that cannot settle is a finding, not a reason to hang).
   */
  /** The newest checkpoint covers the whole log (which keeps what came after the checkpoint before it). */
  const logCovered = async () => {
    const [last] = await s.rd.xrevrange(keys.log, '+', '-', 'COUNT', 1);
    return last === undefined || last[0] === (await s.rd.hget(keys.checkpoint, 'logId'));
  };
  const settle = async (checkpoints: number, deadlineMs: number): Promise<Settling> => {
    const started = performance.now();
    const deadline = started + deadlineMs;
    const before = checkpointCount();
    const done = (settled: boolean): Settling => ({ settled, seconds: round((performance.now() - started) / 1000, 1) });
    await churn(() => checkpointCount() >= before + checkpoints || performance.now() > deadline);
    for (;;) {
      const quietUntil = Math.min(deadline, performance.now() + settings.checkpointIntervalMs * 3 + 5_000);
      while (performance.now() < quietUntil) {
        if (await logCovered()) {
          await sleep(500);
          return done(true);
        }
        await sleep(200);
      }
      if (performance.now() >= deadline) return done(false);
      const more = cycles + settings.churnAgents;
      await churn(() => cycles >= more || performance.now() > deadline);
    }
  };
  const redisFigures = async (): Promise<RedisFigures> => {
    const memory = async (key: string) => Number((await s.rd.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    const all = [keys.log, keys.applied, keys.appliedPrevious, keys.checkpoint, keys.timers, keys.outbox, keys.lease, keys.fence, keys.epoch, keys.restoring];
    const bytes = (await Promise.all(all.map(memory))).reduce((a, b) => a + b, 0);
    return {
      usedMemoryMb: round(Number(/used_memory:(\d+)/.exec(await s.rd.info('memory'))?.[1] ?? 0) / 2 ** 20),
      logXlen: await s.rd.xlen(keys.log), appliedHlen: await s.rd.hlen(keys.applied), appliedPreviousHlen: await s.rd.hlen(keys.appliedPrevious),
      checkpointBytes: await s.rd.hstrlen(keys.checkpoint, 'data'), timersZcard: await s.rd.zcard(keys.timers), outboxXlen: await s.rd.xlen(keys.outbox),
      domainKeysMb: round(bytes / 2 ** 20),
    };
  };
  const rebuildLine = (line: LogLine | undefined): RebuildLine => {
    if (!line) throw new Error(`soak ${domain}: no 'domain state rebuilt' line`);
    return { source: String(line.source), replayed: Number(line.replayed), fromCheckpoint: (line.fromCheckpoint as number | null) ?? null, live: Number(line.live), ms: Number(line.ms), warm: line.warm === true };
  };
  /**
   * RSS of an idle router: the lowest of samples over 6 s. One sample caught whatever garbage the
   * last churn left before V8's memory reducer collected it (one run measured the same owner state
   * at 268 and 316 MB); what follows the live state is the memory kept after collection.
   */
  const idleRssMb = async (pid: number | undefined) => {
    let lowest = Infinity;
    for (let i = 0; i < 12; i++) {
      lowest = Math.min(lowest, rssMb(pid));
      await sleep(500);
    }
    return round(lowest);
  };
  const heapUsedMb = async (router: Router) => {
    const text = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    return round(Number(/^sb_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN) / 2 ** 20);
  };

  const result: SoakCaseResult = {
    size, load: { waiting: loaded.waiting, completed: loaded.completed, logRecords: loaded.logRecords, staleTimersDropped: loaded.staleTimersDropped,
      historyHours: loaded.historyHours, loadSeconds: round(loaded.loadSeconds) },
    takeovers: [], routerLogs: dir, errors: [],
  };
  const ownership = async (): Promise<OwnershipFigures> => {
    const stops: Record<string, number> = {};
    for (const line of allLines('domain worker stopped')) stops[String(line.reason)] = (stops[String(line.reason)] ?? 0) + 1;
    return { leaseAcquisitions: Number((await s.rd.get(keys.fence)) ?? 0), rebuilds: allLines('domain state rebuilt').length, workerStops: stops };
  };
  try {
    // The first owner replays the whole loaded log; the standby starts once it owns the domain.
    const firstStarted = performance.now();
    const first = await startRouter();
    await until('the first owner rebuilding the domain', 1_800_000, () => ownedBy(first), 200);
    result.firstRebuildSeconds = round((performance.now() - firstStarted) / 1000);
    result.firstRebuild = rebuildLine(lines(first, 'domain state rebuilt').at(-1));
    log(`soak ${domain}: first owner rebuilt ${result.firstRebuild.replayed} records in ${(result.firstRebuild.ms / 1000).toFixed(1)} s; settling`);
    await startStandby();
    const firstSettling = await settle(3, settings.settleDeadlineMs);
    const [firstOwnerRssMb, standbyRssMb] = await Promise.all([idleRssMb(first.process.pid), idleRssMb(routers.find((r) => r !== first)?.process.pid)]);
    result.settled = { ...firstSettling, redis: await redisFigures(), firstOwnerRssMb, standbyRssMb, ownership: await ownership() };
    log(`soak ${domain}: ${firstSettling.settled ? 'settled' : 'NOT settled'} after ${firstSettling.seconds} s: Redis ${result.settled.redis.usedMemoryMb} MB, `
      + `log ${result.settled.redis.logXlen}, checkpoint ${result.settled.redis.checkpointBytes} B, ${result.settled.ownership.leaseAcquisitions} lease acquisitions; takeovers`);

    for (let t = 0; t < settings.takeovers; t++) {
      const tailUntil = performance.now() + settings.tailChurnMs;
      await churn(() => performance.now() >= tailUntil);
      // The contacts published during the drive are consumed asynchronously: kill only once the
      // live state is back to its fixed size, so every takeover rebuilds the same state.
      await until('the waiting contacts back to their number', 60_000, async () => (await waitingNow()) === size.waiting, 20);
      const victim = await owner();
      if (!victim) throw new Error(`soak ${domain}: no router holds the lease`);
      const logTailAtKill = await s.rd.xlen(keys.log);
      const agentId = pickAgent();
      const rebuiltBefore = allLines('domain state rebuilt').length;
      const killedAtEpoch = Date.now();
      const killedAt = performance.now();
      victim.process.kill9();
      routers.splice(routers.indexOf(victim), 1);
      const offeredAt = await cycle(agentId, settings.stepTimeoutMs);
      const line = allLines('domain state rebuilt').slice(rebuiltBefore).at(-1);
      const rebuild = rebuildLine(line);
      result.takeovers.push({ killToOfferMs: round(offeredAt - killedAt, 1), leaseWaitMs: round(line!.time - rebuild.ms - killedAtEpoch, 1), rebuild, logTailAtKill });
      log(`soak ${domain}: takeover ${t + 1}: ${result.takeovers.at(-1)!.killToOfferMs} ms to the next offer (rebuild ${rebuild.ms} ms, ${rebuild.replayed} replayed of a ${logTailAtKill}-entry log)`);
      // A standby for the next kill (the Redis loss needs none).
      if (t + 1 < settings.takeovers) await startStandby();
    }
    const killToOffer = result.takeovers.map((t) => t.killToOfferMs).sort((a, b) => a - b);
    result.takeoverMs = { median: killToOffer[Math.floor((killToOffer.length - 1) / 2)]!, min: killToOffer[0]!, max: killToOffer.at(-1)! };

    const again = await settle(1, settings.settleDeadlineMs);
    const current = await owner();
    if (!current) throw new Error(`soak ${domain}: no router holds the lease`);
    result.afterTakeovers = { ...again, redis: await redisFigures(), routerRssMb: await idleRssMb(current.process.pid), routerHeapUsedMb: await heapUsedMb(current) };
    log(`soak ${domain}: ${again.settled ? 'settled' : 'NOT settled'} again: Redis ${result.afterTakeovers.redis.usedMemoryMb} MB, owner ${result.afterTakeovers.routerRssMb} MB RSS`);

    // Redis loses everything: restarted empty (the private Redis keeps nothing on disk). The
    // loaded history never went to ROUTING, so without an archived checkpoint the domain is lost.
    if (checkpointCount() === 0) throw new Error(`soak ${domain}: no checkpoint was ever written; Redis loss not measured (the loaded history is only in Redis)`);
    const rebuiltBefore = allLines('domain state rebuilt').length;
    const downAt = performance.now();
    await s.redis.restart();
    const upAt = performance.now();
    const offeredAt = await cycle(pickAgent(), settings.stepTimeoutMs);
    const lossLine = rebuildLine(allLines('domain state rebuilt').slice(rebuiltBefore).find((l) => l.source === 'jetstream'));
    const checkpointsBefore = checkpointCount();
    await until('the new epoch\'s first checkpoint', settings.settleDeadlineMs, () => checkpointCount() > checkpointsBefore, 200);
    result.redisLoss = { upToOfferMs: round(offeredAt - upAt, 1), downToOfferMs: round(offeredAt - downAt, 1), rebuild: lossLine, redisAfter: await redisFigures() };
    log(`soak ${domain}: after Redis loss the domain routed again ${result.redisLoss.upToOfferMs} ms after Redis was back (rebuild ${lossLine.ms} ms from ${lossLine.source})`);
  } catch (error) {
    result.errors.push((error as Error).message);
    log(`soak ${domain}: ${(error as Error).message}; the routers' logs are in ${dir}`);
  }
  try {
    const written = allLines('checkpoint written');
    const field = (name: string) => written.map((l) => Number(l[name]));
    result.checkpoints = {
      count: written.length, pauseMs: rounded(summarize(written.map((l) => Math.max(Number(l.captureMs), Number(l.encodeSliceMaxMs))))),
      captureMs: rounded(summarize(field('captureMs'))), encodeMs: rounded(summarize(field('encodeMs'))), encodeSliceMaxMs: rounded(summarize(field('encodeSliceMaxMs'))),
      durableMs: rounded(summarize(field('durableMs'))), bytes: { min: Math.min(...field('bytes')), max: Math.max(...field('bytes')) },
    };
    result.ownership = await ownership();
    result.drivenCycles = cycles;
    result.seconds = round((performance.now() - caseStarted) / 1000, 1);
    return result;
  } finally {
    for (const sub of subs) sub.unsubscribe();
    await Promise.all(routers.map((r) => r.process.stop()));
    // Kept for explaining a figure: each router's last 2 MB of output.
    for (const router of everyRouter) writeFileSync(join(dir, `${router.id}.log`), router.process.logs);
    await s.rd.flushdb();
  }
}

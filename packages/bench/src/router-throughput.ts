import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Channel, Contact, ContactRecord } from '@switchboard/contracts';
import { contactsSubject } from '@switchboard/bus';
import { freePort, ServiceProcess } from '@switchboard/testkit';
import { BenchAgents } from './bench-agents.js';
import { seconds, type BenchServers } from './bench-servers.js';

export interface ThroughputResult {
  readonly replicas: number;
  readonly domains: number;
  readonly contacts: number;
  readonly contactsPerSecond: number;
  /** Messages the router wrote to ROUTING per contact (one per committed batch). */
  readonly routingMessagesPerContact: number;
  /** Batches committed per contact: Redis commit scripts (one per batch). */
  readonly commitsPerContact: number;
  /** Applied commands per committed batch, on average. */
  readonly commandsPerBatch: number;
  /** Commands the routers sent to Redis per contact (commits, lease renewals, timer polls, outbox acks...). */
  readonly redisCommandsPerContact: number;
  /** Desk notification messages per contact (core NATS, `<root>.agent.<domain>.<agentId>`), and the agent events they carried. */
  readonly deskMessagesPerContact: number;
  readonly deskEventsPerContact: number;
  readonly routerRssMb: number[];
  /** CPU seconds (user + system) each router process used during the measured run. */
  readonly routerCpuSeconds: number[];
  /** The domains each router owned when the run started and when it ended (a hand-over in between costs a rebuild). */
  readonly ownedAtStart: string[][];
  readonly ownedAtEnd: string[][];
}

/** One router throughput run. */
export interface ThroughputOptions {
  readonly replicas: number;
  readonly domains: number;
  readonly contacts: number;
  /** Sample every trace (ratio 1); spans go to `otlpEndpoint` when given. */
  readonly tracing?: boolean;
  readonly otlpEndpoint?: string;
  /** The routers' pino level (default `warn`). */
  readonly logLevel?: string;
  /** Writes a `--cpu-prof` profile of each router process here. */
  readonly cpuProfileDir?: string;
}

const rules = {
  version: 'bench-1',
  queues: [{ id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
    offerTimeoutSeconds: 60, wrapUpSeconds: 0, missesBeforeAway: 1_000 }],
  rules: [],
  fallback: { queue: 'general', priority: 0 },
};

/**
 * Contacts pre-published to CONTACTS, `replicas` router processes, agents that accept and complete
 * as fast as offers arrive: contacts routed per second, from the first sign-in to the last completion.
 */
export async function routerThroughput(s: BenchServers, options: ThroughputOptions): Promise<ThroughputResult> {
  const domains = Array.from({ length: options.domains }, (_, i) => `bench${options.replicas}r${i}${Date.now() % 100_000}`);
  await prePublish(s, domains, options.contacts);
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'sb-bench-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(rules));
  const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
  const routers = await Promise.all(ports.map((port, i) => ServiceProcess.start({
    entry: 'services/router/src/main.ts',
    ...(options.cpuProfileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] } : {}),
    env: { NATS_URL: s.nats.url, REDIS_URL: s.redis.url, ROUTER_DOMAINS: domains.join(','), ROUTER_RULES_FILE: rulesFile,
      ROUTER_REPLICA_ID: `bench-${i}`, ROUTER_HTTP_PORT: String(port), LOG_LEVEL: options.logLevel ?? 'warn',
      // An exporter inherited from the caller's shell must not leak into the "off" run.
      OTEL_TRACES_SAMPLER_ARG: options.tracing ? '1' : '0', OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  })));
  try {
    const ownedAtStart = await allOwned(ports, domains, options.replicas);
    const cpuBefore = routers.map((r) => cpuSeconds(r.pid));
    const before = await routerCounters(ports);
    const routingBefore = (await (await s.nc.jetstreamManager()).streams.info(s.names.routingStream)).state.last_seq;
    const agents = new BenchAgents(s.nc, s.names.subjectRoot);
    const started = performance.now();
    await Promise.all(domains.map((d) => agents.signIn(d, 50, { chat: 4 })));
    await Promise.race([agents.completedAtLeast(options.contacts), stalled(agents, options.contacts, domains)]);
    const elapsed = seconds(started);
    const routerCpuSeconds = routers.map((r, i) => round2(cpuSeconds(r.pid) - cpuBefore[i]!));
    agents.stop();
    const jsm = await s.nc.jetstreamManager();
    const routing = await jsm.streams.info(s.names.routingStream);
    const after = await routerCounters(ports);
    const batches = after.batches - before.batches;
    return {
      replicas: options.replicas,
      domains: options.domains,
      contacts: options.contacts,
      contactsPerSecond: options.contacts / elapsed,
      routingMessagesPerContact: (routing.state.last_seq - routingBefore) / options.contacts,
      commitsPerContact: batches / options.contacts,
      commandsPerBatch: batches === 0 ? 0 : (after.batchedCommands - before.batchedCommands) / batches,
      redisCommandsPerContact: (after.redisCommands - before.redisCommands) / options.contacts,
      deskMessagesPerContact: agents.deskMessages / options.contacts,
      deskEventsPerContact: agents.deskEvents / options.contacts,
      routerRssMb: routers.map((r) => rssMb(r.pid)),
      routerCpuSeconds,
      ownedAtStart,
      ownedAtEnd: await ownership(ports),
    };
  } finally {
    await Promise.all(routers.map((r) => r.stop()));
    await (await s.nc.jetstreamManager()).streams.purge(s.names.routingStream);
  }
}

/**
 * Rejects when no contact completes for 60 s: a stuck run must end with a reason, not hang. The
 * reason names the commands the router refused and what it holds of the unfinished contacts.
 */
async function stalled(agents: BenchAgents, contacts: number, domains: readonly string[]): Promise<never> {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 60_000).unref());
    if (agents.completed >= contacts) return new Promise(() => undefined);
    if (agents.completed === last) {
      const unfinished = await Promise.all([...agents.inFlight].slice(0, 10).map(async (id) =>
        ({ id, router: await agents.contactState(domains.find((d) => id.startsWith(`${d}-`)) ?? domains[0]!, id) })));
      throw new Error(`router run stalled: ${agents.completed} of ${contacts} contacts completed, none in the last 60 s; `
        + `refused: ${JSON.stringify(Object.fromEntries([...agents.failures].slice(0, 10)))}; offered, unfinished: ${JSON.stringify(unfinished)}`);
    }
    last = agents.completed;
  }
}

async function prePublish(s: BenchServers, domains: string[], contacts: number): Promise<void> {
  const js = s.nc.jetstream();
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < contacts; i++) {
    const domain = domains[i % domains.length]!;
    const contact = Contact.fromPartial({ id: `${domain}-c${i}`, domain, channel: Channel.CHANNEL_CHAT, receivedAt: new Date(), customer: { id: `cust-${i}` } });
    window.push(js.publish(contactsSubject(s.names, domain, 'chat'), ContactRecord.encode({ arrived: contact }).finish(), { msgID: contact.id }));
    if (window.length >= 512) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
}

/** The routers' commit counters, summed over replicas, from their /metrics. */
async function routerCounters(ports: readonly number[]): Promise<{ redisCommands: number; batches: number; batchedCommands: number }> {
  const pages = await Promise.all(ports.map(async (p) => (await fetch(`http://127.0.0.1:${p}/metrics`)).text()));
  const sum = (pattern: RegExp) => pages.reduce((total, page) => total + [...page.matchAll(pattern)].reduce((a, m) => a + Number(m[1]), 0), 0);
  return {
    redisCommands: sum(/^sb_router_redis_commands_total(?:\{[^}]*\})? (\S+)$/gm),
    batches: sum(/^sb_router_commit_batch_commands_count(?:\{[^}]*\})? (\S+)$/gm),
    batchedCommands: sum(/^sb_router_commit_batch_commands_sum(?:\{[^}]*\})? (\S+)$/gm),
  };
}

async function ownership(ports: readonly number[]): Promise<string[][]> {
  return Promise.all(ports.map(async (p) => ((await (await fetch(`http://127.0.0.1:${p}/healthz`)).json()) as { domains: string[] }).domains));
}

/**
 * Waits until every domain has an owner and the replicas share them fairly (none holds more than
 * its share): replicas start one after another, the first takes every domain and hands the others
 * back as the rest come up. Measuring before that would time the hand-overs, not routing.
 */
async function allOwned(ports: number[], domains: string[], replicas: number): Promise<string[][]> {
  const share = Math.ceil(domains.length / replicas);
  for (let i = 0; i < 600; i++) {
    const owned = await ownership(ports);
    if (new Set(owned.flat()).size === domains.length && owned.every((d) => d.length <= share)) return owned;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`router replicas did not share every domain: ${JSON.stringify(await ownership(ports))}`);
}

/** CPU seconds (user + system) a process has used so far (0 when it is gone). */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, on every platform Node supports. */
const CLOCK_TICKS = 100;

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Resident memory of a process in MB (0 when it is gone). */
export function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

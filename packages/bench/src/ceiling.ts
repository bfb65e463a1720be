import { AckPolicy } from 'nats';
import { RoutingEngine, type QueueConfig } from '@switchboard/routing-core';
import { DomainStore, type Transition } from '@switchboard/state';
import { seconds, type BenchServers } from './bench-servers.js';

/** The machine's raw rates for the work a router does per contact, measured in the same run. */
export interface Ceiling {
  /** JetStream publishes acknowledged per second (with Nats-Msg-Id, 300-byte payloads, pipelined). */
  readonly jetstreamPublishPerSecond: number;
  /** Messages consumed and acked per second from a durable pull consumer. */
  readonly jetstreamConsumeAckPerSecond: number;
  /** Commit scripts (the router's own Lua: log + timer + 3 outbox records, lease-checked) per second, pipelined. */
  readonly redisCommitScriptsPerSecond: number;
  /** Engine commands per second in one process (arrive → offer, accept, complete). */
  readonly coreCommandsPerSecond: number;
}

const payload = new Uint8Array(300).fill(7);

export async function measureCeiling(servers: BenchServers, size: number): Promise<Ceiling> {
  return {
    jetstreamPublishPerSecond: await publishRate(servers, size),
    jetstreamConsumeAckPerSecond: await consumeRate(servers, size),
    redisCommitScriptsPerSecond: await commitRate(servers, size),
    coreCommandsPerSecond: coreRate(size * 2),
  };
}

async function publishRate(s: BenchServers, n: number): Promise<number> {
  const js = s.nc.jetstream();
  const started = performance.now();
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    window.push(js.publish(`${s.names.subjectRoot}.routing.ceiling.Probe`, payload, { msgID: `ceiling-${i}` }));
    if (window.length >= 512) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  return n / seconds(started);
}

async function consumeRate(s: BenchServers, n: number): Promise<number> {
  const jsm = await s.nc.jetstreamManager();
  await jsm.consumers.add(s.names.routingStream, { durable_name: 'ceiling', ack_policy: AckPolicy.Explicit, filter_subject: `${s.names.subjectRoot}.routing.ceiling.>` });
  const consumer = await s.nc.jetstream().consumers.get(s.names.routingStream, 'ceiling');
  const started = performance.now();
  let got = 0;
  const messages = await consumer.consume({ max_messages: 512 });
  for await (const msg of messages) {
    msg.ack();
    if (++got >= n) break;
  }
  await s.nc.flush();
  return n / seconds(started);
}

async function commitRate(s: BenchServers, n: number): Promise<number> {
  const store = new DomainStore(s.rd, 'ceiling', 'bench:');
  const lease = (await store.acquire('bench', 60_000, 'bench'))!;
  const transition = (i: number): Transition => ({
    commandId: `c${i}`,
    command: JSON.stringify({ n: i, cid: `arrive:c${i}`, at: Date.now(), cmd: { type: 'ARRIVE', contact: { id: `c${i}`, queueId: 'general', channel: 'chat' } } }),
    timers: [{ dueAtMs: Date.now() + 20_000, member: `{"id":"OFFER_TIMEOUT:c${i}:1"}` }],
    outbox: [0, 1, 2].map((k) => ({ msgId: `ceiling:${i}:${k}`, subject: 'sb.routing.ceiling.ContactOffered', payload: Buffer.from(payload) })),
  });
  const started = performance.now();
  for (let i = 0; i < n; i += 256) {
    await store.commitMany(lease, Array.from({ length: Math.min(256, n - i) }, (_, k) => transition(i + k)));
  }
  return n / seconds(started);
}

const queue: QueueConfig = {
  id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [],
  strategy: 'LONGEST_IDLE', agingRatePerSecond: 0, offerTimeoutSeconds: 20, wrapUpSeconds: 0, missesBeforeAway: 3, stickyAgentWaitSeconds: 0,
};

function coreRate(contacts: number): number {
  const engine = new RoutingEngine({ domainId: 'ceiling', ruleVersion: 'bench', queues: [queue] });
  let now = 1_000_000;
  for (let a = 0; a < 100; a++) engine.apply({ type: 'SIGN_IN', agent: { id: `a${a}`, skills: {}, languages: [], team: 't', capacity: { chat: 3 }, queues: [{ queueId: 'general', priority: 1 }] } }, now);
  const started = performance.now();
  let commands = 0;
  for (let i = 0; i < contacts; i++) {
    const out = engine.apply({ type: 'ARRIVE', contact: { id: `c${i}`, domain: 'ceiling', channel: 'chat', queueId: 'general', basePriority: 0, tier: 'STANDARD', arrivedAtMs: now } }, ++now);
    commands++;
    if (out.outcome.kind !== 'offered') continue;
    const { agentId, offerToken, contactId } = out.outcome;
    engine.apply({ type: 'ACCEPT', contactId, agentId, offerToken }, ++now);
    engine.apply({ type: 'COMPLETE', contactId, agentId, disposition: 'done' }, ++now);
    commands += 2;
  }
  return commands / seconds(started);
}

import { createHash } from 'node:crypto';
import { Contact } from '@switchboard/contracts';
import { queueSchema } from '@switchboard/router-api';
import { EventHeap, RoutingEngine, type ApplyResult, type QueueConfig, type RoutingCommand, type TimerRequest } from '@switchboard/routing-core';
import { DomainStore, newEpochId, type Transition } from '@switchboard/state';
import type { BenchServers } from './bench-servers.js';

/** What one soak case holds: the fixed live state, and how much history lies behind it. */
export interface SoakSize {
  /** Agents signed in; at the end every one is connected to a contact (busy). */
  readonly agents: number;
  /** Contacts waiting at the end (no agent is free, so they keep waiting). */
  readonly waiting: number;
  /** Contacts taken through arrive → offer → accept → complete → wrap-up end before the live state. */
  readonly history: number;
}

/** What was written, and what the measurement needs to know of it. */
export interface SoakLoaded {
  readonly rulesFile: object;
  /** Busy agent → the contact it is connected to. */
  readonly connected: Map<string, string>;
  readonly waiting: number;
  readonly completed: number;
  readonly logRecords: number;
  /** Timers that fired stale (accepted offers' timeouts): dropped from Redis, never logged, as the router does. */
  readonly staleTimersDropped: number;
  readonly historyHours: number;
  readonly loadSeconds: number;
}

export const SOAK_QUEUE = 'soak';
const RULE_VERSION = 'soak-1';
/** Simulated pace of the history: one arrival a second, accepted after 2 s, talked 60 s, then the queue's 10 s wrap-up. */
const ARRIVAL_EVERY_MS = 1_000;
const ACCEPT_AFTER_MS = 2_000;
const HANDLE_MS = 60_000;

type Step =
  | { readonly at: number; readonly kind: 'arrive'; readonly i: number }
  | { readonly at: number; readonly kind: 'accept'; readonly contactId: string; readonly agentId: string; readonly token: number }
  | { readonly at: number; readonly kind: 'complete'; readonly contactId: string; readonly agentId: string }
  | { readonly at: number; readonly kind: 'timer'; readonly timer: TimerRequest };

/**
 * Writes a soak domain's history and live state straight into Redis, as `bench scale` does, so a
 * million completed contacts take minutes instead of hours. Faithful to what the router writes:
 * the same applied records (`{n, cid, e, at, cmd, context}` under the lease's epoch), the same
 * command ids (`queue:…`, `req:…`, `arrive:<id>`, `timer:<id>`), committed by the router's own Lua
 * script (log, idempotency index, timers) under a lease, each command first applied to a
 * `RoutingEngine` so offers, tokens and timers are the engine's. The history runs on a simulated
 * clock that ends a minute before now (one arrival a second, so the idempotency window of the
 * router is as full after 10^4 contacts as after 10^6), and its timers fire at their due time as
 * the router's timer loop would fire them: a wrap-up end is committed, an accepted offer's
 * timeout is stale, dropped from the timer set and not logged. Then `agents` contacts arrive and
 * are accepted, and `waiting` more arrive and wait. Nothing goes to ROUTING: the router that
 * opens the domain must rebuild it from this Redis log.
 */
export async function loadSoakDomain(s: BenchServers, domain: string, size: SoakSize, log: (line: string) => void): Promise<SoakLoaded> {
  const started = performance.now();
  const queue = queueSchema.parse({
    id: SOAK_QUEUE, kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
    offerTimeoutSeconds: 20, wrapUpSeconds: 10, missesBeforeAway: 1_000,
  }) as QueueConfig;
  const engine = new RoutingEngine({ domainId: domain, ruleVersion: RULE_VERSION });
  const store = new DomainStore(s.rd, domain);
  const endMs = Date.now() - 60_000;
  const lease = await store.acquire('soak-loader', 600_000, newEpochId(endMs - size.history * ARRIVAL_EVERY_MS - 200_000));
  if (!lease) throw new Error(`soak: domain ${domain} is already owned`);
  const startMs = endMs - size.history * ARRIVAL_EVERY_MS - 120_000;

  let n = 0;
  let staleDropped = 0;
  let batch: Transition[] = [];
  let stale: string[] = [];
  const inFlight: Promise<void>[] = [];
  // One connection runs pipelines in order, so a few may be in flight while the next batch is built.
  const flush = async () => {
    const transitions = batch;
    const dropped = stale;
    batch = [];
    stale = [];
    inFlight.push((async () => {
      const results = await store.commitMany(lease, transitions);
      if (results.some((r) => r.kind !== 'ok')) throw new Error(`soak: commit refused while loading (${results.find((r) => r.kind !== 'ok')!.kind})`);
      if (dropped.length > 0) await s.rd.zrem(store.keys.timers, ...dropped);
    })());
    if (inFlight.length >= 4) await inFlight.shift();
  };
  // Steps by time, ties in insertion order (the engine's clock never goes back).
  const heap = new EventHeap<Step>();
  const steps = { push: (step: Step) => heap.push(step.at, step), pop: () => heap.pop()?.item };
  const apply = async (cid: string, cmd: RoutingCommand, at: number, context?: Record<string, unknown>, firedTimer?: string): Promise<ApplyResult> => {
    const result = engine.apply(cmd, at);
    for (const timer of result.timers) steps.push({ at: timer.dueAtMs, kind: 'timer', timer });
    if (result.outcome.kind === 'stale' && result.events.length === 0 && result.timers.length === 0) {
      // The router's timer loop drops a stale timer from Redis and logs nothing (domain-worker runBatch).
      if (firedTimer) {
        stale.push(firedTimer);
        staleDropped++;
      }
      return result;
    }
    const record = { n: ++n, cid, e: lease.epoch, at, cmd, ...(context ? { context } : {}) };
    batch.push({ commandId: cid, command: JSON.stringify(record), ...(firedTimer ? { firedTimer } : {}),
      timers: result.timers.map((t) => ({ dueAtMs: t.dueAtMs, member: JSON.stringify(t) })), outbox: [] });
    if (batch.length >= 1_000) await flush();
    return result;
  };
  const arrive = (id: string, i: number, at: number) => apply(`arrive:${id}`, {
    type: 'ARRIVE', contact: { id, domain, channel: 'phone', queueId: SOAK_QUEUE, basePriority: 0, tier: 'STANDARD', arrivedAtMs: at },
  }, at, Contact.toJSON(Contact.fromPartial({ customer: { id: `cust-${i}` }, summary: 'soak benchmark contact' })) as Record<string, unknown>);
  const offersOf = (result: ApplyResult) => result.events.flatMap((e) => (e.type === 'ContactOffered' ? [e] : []));

  const hash = createHash('sha256').update(JSON.stringify(queue)).digest('hex').slice(0, 16);
  await apply(`queue:${RULE_VERSION}:${queue.id}:${hash}`, { type: 'UPSERT_QUEUE', queue }, startMs);
  for (let a = 0; a < size.agents; a++) {
    await apply(`req:sign-in-${a}`, { type: 'SIGN_IN', agent: { id: `a${a}`, skills: {}, languages: [], team: `t${a % 10}`,
      capacity: { phone: 1 }, queues: [{ queueId: SOAK_QUEUE, priority: 1 }] } }, startMs);
  }

  // The history, in simulated time order.
  let completed = 0;
  if (size.history > 0) steps.push({ at: startMs, kind: 'arrive', i: 0 });
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    let result: ApplyResult;
    switch (step.kind) {
      case 'arrive':
        result = await arrive(`soak-c${step.i}`, step.i, step.at);
        if (step.i + 1 < size.history) steps.push({ at: step.at + ARRIVAL_EVERY_MS, kind: 'arrive', i: step.i + 1 });
        if ((step.i + 1) % 100_000 === 0) log(`soak: ${step.i + 1} of ${size.history} history contacts written`);
        break;
      case 'accept':
        result = await apply(`req:${step.contactId}:accept`, { type: 'ACCEPT', contactId: step.contactId, agentId: step.agentId, offerToken: step.token }, step.at);
        steps.push({ at: step.at + HANDLE_MS, kind: 'complete', contactId: step.contactId, agentId: step.agentId });
        break;
      case 'complete':
        result = await apply(`req:${step.contactId}:complete`, { type: 'COMPLETE', contactId: step.contactId, agentId: step.agentId, disposition: 'resolved' }, step.at);
        break;
      case 'timer':
        result = await apply(`timer:${step.timer.id}`, { type: 'TIMER_FIRED', timer: step.timer }, step.at, undefined, JSON.stringify(step.timer));
        if (result.events.some((e) => e.type === 'WrapUpEnded')) completed++;
        break;
    }
    for (const offer of offersOf(result)) {
      steps.push({ at: step.at + ACCEPT_AFTER_MS, kind: 'accept', contactId: offer.contactId, agentId: offer.agentId, token: offer.offerToken });
    }
  }

  // The live state: every agent connected, `waiting` contacts behind them.
  const connected = new Map<string, string>();
  const liveAt = Math.max(endMs, engine.nowMs);
  for (let k = 0; k < size.agents + size.waiting; k++) {
    const result = await arrive(`soak-l${k}`, size.history + k, liveAt);
    for (const offer of offersOf(result)) {
      await apply(`req:${offer.contactId}:accept`, { type: 'ACCEPT', contactId: offer.contactId, agentId: offer.agentId, offerToken: offer.offerToken }, liveAt);
      connected.set(offer.agentId, offer.contactId);
    }
  }
  await flush();
  await Promise.all(inFlight);
  // The loader wrote the domain's whole state itself, as a restore from JetStream would: the
  // epoch it created is marked whole, so the router goes on from this log instead of restoring.
  if (!(await store.finishRestore(lease))) throw new Error('soak: lease lost while loading');
  await store.release(lease);
  const waiting = engine.queueDepth(SOAK_QUEUE);
  if (connected.size !== size.agents || waiting !== size.waiting || completed !== size.history) {
    throw new Error(`soak: loaded ${connected.size} busy agents, ${waiting} waiting, ${completed} completed; wanted ${size.agents}, ${size.waiting}, ${size.history}`);
  }
  return {
    rulesFile: { version: RULE_VERSION, queues: [queue], rules: [], fallback: { queue: SOAK_QUEUE, priority: 0 } },
    connected, waiting, completed, logRecords: n, staleTimersDropped: staleDropped,
    historyHours: Number(((liveAt - startMs) / 3_600_000).toFixed(1)), loadSeconds: (performance.now() - started) / 1000,
  };
}

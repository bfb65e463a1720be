import { RoutingEngine } from '../engine.js';
import { KpiAccumulator } from '../kpi/kpi-accumulator.js';
import type { AgentProfile } from '../model/agent.js';
import type { RoutingCommand } from '../model/command.js';
import type { RoutingEvent } from '../model/event.js';
import type { TimerRequest } from '../model/timer.js';
import { meanOf, sampleDuration, sampleExponential } from './distributions.js';
import { EventHeap } from './event-heap.js';
import { deriveRng } from './rng.js';
import { OutcomeColumns } from './outcome-columns.js';
import { agentProfiles } from './sim-agents.js';
import { simResult, type SimResult } from './sim-report.js';
import type { SimScenario } from './scenario.js';

/** What the simulator's future-event list holds. Times are engine milliseconds. */
type SimEvent =
  | { readonly t: 'arrival'; readonly queue: number }
  | { readonly t: 'timer'; readonly timer: TimerRequest }
  | { readonly t: 'answer'; readonly contactId: string; readonly agentId: string; readonly token: number; readonly accept: boolean }
  | { readonly t: 'complete'; readonly contactId: string; readonly agentId: string }
  | { readonly t: 'abandon'; readonly contactId: string }
  | { readonly t: 'signIn'; readonly agent: AgentProfile }
  | { readonly t: 'signOut'; readonly agentId: string };

/**
 * Discrete-event simulation of a contact centre in virtual time, driving the real
 * {@link RoutingEngine}: arrivals, abandonments, simulated agents' answers and completions become
 * engine commands; the engine's timer requests go onto the event heap and come back as
 * `TIMER_FIRED`. Pure and deterministic: the result depends only on the scenario and its seed.
 *
 * Arrivals per queue are Poisson; the run generates `contacts` arrivals in all, then drains until
 * every contact has finished. Contacts arriving before the warm-up ends are not measured.
 */
export function simulate(scenario: SimScenario): SimResult {
  validate(scenario);
  const { queues, seed } = scenario;
  const totalPerSecond = queues.reduce((s, q) => s + q.arrivalsPerHour / 3600, 0);
  const warmupSeconds = scenario.warmupSeconds ?? (0.1 * scenario.contacts) / totalPerSecond;
  const batches = scenario.batches ?? 30;
  const acceptDelayMs = (scenario.behaviour?.acceptDelaySeconds ?? 0) * 1000;
  const declineProbability = scenario.behaviour?.declineProbability ?? 0;
  const fromMs = warmupSeconds * 1000;

  const engine = new RoutingEngine({ domainId: 'sim', ruleVersion: 'sim', queues: queues.map((q) => q.config) });
  const queueIds = queues.map((q) => q.config.id);
  const columns = new OutcomeColumns(scenario.contacts);
  const kpis = new KpiAccumulator({
    fromMs,
    slSecondsByQueue: Object.fromEntries(queues.map((q) => [q.config.id, q.config.serviceLevel.withinSeconds])),
    // Contact ids are `c<arrival number>`, which gives the column row without a lookup.
    onOutcome: (o) => columns.record(Number(o.contactId.slice(1)) - 1, queueIds.indexOf(o.queueId), o),
  });
  const heap = new EventHeap<SimEvent>();
  const arrivalRngs = queues.map((_, i) => deriveRng(seed, 100 + i));
  const handleRng = deriveRng(seed, 1);
  const patienceRng = deriveRng(seed, 2);
  const behaviourRng = deriveRng(seed, 3);
  /** Live offer token per contact, so a simulated agent never answers a withdrawn offer. */
  const liveOffer = new Map<string, number>();
  /** Contacts not yet answered or gone: the only ones an abandonment applies to. */
  const waiting = new Set<string>();
  const handleOf = new Map<string, number>();
  let arrivals = 0;
  let commands = 0;
  let now = 0;
  let lastArrivalMs = 0;
  const lastArrivalOf = queues.map(() => 0);
  let occupancy = NaN;

  for (const { profile, shift } of agentProfiles(scenario.agentGroups)) {
    heap.push((shift?.startSeconds ?? 0) * 1000, { t: 'signIn', agent: profile });
    if (shift?.endSeconds !== undefined) heap.push(shift.endSeconds * 1000, { t: 'signOut', agentId: profile.id });
  }
  queues.forEach((q, i) => {
    if (q.arrivalsPerHour > 0) heap.push(sampleExponential(arrivalRngs[i]!, 3_600_000 / q.arrivalsPerHour), { t: 'arrival', queue: i });
  });

  const apply = (command: RoutingCommand): void => {
    commands++;
    const result = engine.apply(command, now);
    for (const event of result.events) {
      kpis.add(event);
      react(event);
    }
    for (const timer of result.timers) heap.push(Math.max(now, timer.dueAtMs), { t: 'timer', timer });
  };

  const react = (event: RoutingEvent): void => {
    switch (event.type) {
      case 'ContactOffered': {
        liveOffer.set(event.contactId, event.offerToken);
        const accept = declineProbability === 0 || behaviourRng.next() >= declineProbability;
        heap.push(now + acceptDelayMs, { t: 'answer', contactId: event.contactId, agentId: event.agentId, token: event.offerToken, accept });
        return;
      }
      case 'OfferAccepted': {
        liveOffer.delete(event.contactId);
        waiting.delete(event.contactId);
        const handle = handleOf.get(event.contactId) ?? 0;
        heap.push(now + handle, { t: 'complete', contactId: event.contactId, agentId: event.agentId });
        return;
      }
      case 'ContactQueued':
      case 'OfferDeclined':
      case 'OfferTimedOut':
        liveOffer.delete(event.contactId);
        return;
      case 'ContactAbandoned':
      case 'ContactExpired':
      case 'ContactRejected':
        liveOffer.delete(event.contactId);
        waiting.delete(event.contactId);
        handleOf.delete(event.contactId);
        return;
      default:
        return;
    }
  };

  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    now = next.time;
    const item = next.item;
    switch (item.t) {
      case 'arrival': {
        if (arrivals >= scenario.contacts) break;
        arrivals++;
        lastArrivalMs = now;
        const queue = queues[item.queue]!;
        const id = `c${arrivals}`;
        const handle = sampleDuration(handleRng, queue.handle);
        handleOf.set(id, handle * 1000);
        waiting.add(id);
        let patienceDev = 0;
        if (queue.patience !== undefined) {
          const patience = sampleDuration(patienceRng, queue.patience);
          patienceDev = patience / meanOf(queue.patience) - 1;
          heap.push(now + patience * 1000, { t: 'abandon', contactId: id });
        }
        const gapDev = ((now - (lastArrivalOf[item.queue] ?? 0)) / 3_600_000) * queue.arrivalsPerHour - 1;
        lastArrivalOf[item.queue] = now;
        columns.recordInputs(arrivals - 1, meanOf(queue.handle) > 0 ? handle / meanOf(queue.handle) - 1 : 0, gapDev, patienceDev);
        apply({ type: 'ARRIVE', contact: {
          id, domain: 'sim', channel: queue.channel ?? 'phone', queueId: queue.config.id, basePriority: 0, tier: 'STANDARD',
          arrivedAtMs: now, ...(queue.contactSkills !== undefined ? { requiredSkills: queue.contactSkills } : {}) } });
        if (arrivals === scenario.contacts) occupancy = kpis.snapshot(now).occupancy;
        else heap.push(now + sampleExponential(arrivalRngs[item.queue]!, 3_600_000 / queue.arrivalsPerHour), item);
        break;
      }
      case 'timer':
        // An offer timeout whose offer was already answered is stale; the engine would ignore it,
        // so skipping it here only saves a command (a quarter of them in a plain run).
        if (item.timer.kind === 'OFFER_TIMEOUT' && liveOffer.get(item.timer.contactId) !== item.timer.token) break;
        apply({ type: 'TIMER_FIRED', timer: item.timer });
        break;
      case 'answer':
        if (liveOffer.get(item.contactId) !== item.token) break;
        if (item.accept) apply({ type: 'ACCEPT', contactId: item.contactId, agentId: item.agentId, offerToken: item.token });
        else apply({ type: 'DECLINE', contactId: item.contactId, agentId: item.agentId, offerToken: item.token, reason: 'simulated' });
        break;
      case 'complete':
        handleOf.delete(item.contactId);
        apply({ type: 'COMPLETE', contactId: item.contactId, agentId: item.agentId, disposition: 'done' });
        break;
      case 'abandon': if (waiting.has(item.contactId)) apply({ type: 'ABANDON', contactId: item.contactId }); break;
      case 'signIn': apply({ type: 'SIGN_IN', agent: item.agent }); break;
      case 'signOut': apply({ type: 'SIGN_OUT', agentId: item.agentId }); break;
    }
  }
  return simResult(kpis.snapshot(lastArrivalMs), occupancy, columns, queueIds, {
    arrivals, warmupSeconds, measuredSeconds: Math.max(0, lastArrivalMs - fromMs) / 1000, simulatedSeconds: now / 1000,
    batches, seed, engineCommands: commands,
  });
}

function validate(scenario: SimScenario): void {
  if (!Number.isInteger(scenario.contacts) || scenario.contacts < 1) throw new RangeError(`contacts must be a positive integer, got ${scenario.contacts}`);
  if (scenario.queues.length === 0) throw new RangeError('queues must not be empty');
  if (!scenario.queues.some((q) => q.arrivalsPerHour > 0)) throw new RangeError('at least one queue needs arrivalsPerHour > 0');
  const p = scenario.behaviour?.declineProbability ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`behaviour.declineProbability must be within [0, 1), got ${p}`);
}

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
import type { ArrivalPhase, SimScenario } from './scenario.js';
import { SurgeTracker, type SimSupervisorSwitch } from './sim-surge.js';

/** What the simulator's future-event list holds. Times are engine milliseconds. */
type SimEvent =
  | { readonly t: 'arrival'; readonly queue: number }
  | { readonly t: 'timer'; readonly timer: TimerRequest }
  | { readonly t: 'answer'; readonly contactId: string; readonly agentId: string; readonly token: number; readonly accept: boolean }
  | { readonly t: 'complete'; readonly contactId: string; readonly agentId: string }
  | { readonly t: 'abandon'; readonly contactId: string }
  | { readonly t: 'signIn'; readonly agent: AgentProfile }
  | { readonly t: 'signOut'; readonly agentId: string }
  | { readonly t: 'surgeTick' }
  | { readonly t: 'supervisor'; readonly sw: SimSupervisorSwitch }
  | { readonly t: 'callback'; readonly contactId: string };

/**
 * Discrete-event simulation of a contact centre in virtual time, driving the real
 * {@link RoutingEngine}: arrivals, abandonments, simulated agents' answers and completions become
 * engine commands; the engine's timer requests go onto the event heap and come back as
 * `TIMER_FIRED`. Pure and deterministic: the result depends only on the scenario and its seed.
 *
 * Arrivals per queue are Poisson (with `arrivalPhases`, of piecewise-constant rate); the run
 * generates `contacts` arrivals in all, then drains until every contact has finished. Contacts
 * arriving before the warm-up ends are not measured.
 *
 * With `surge`, the surge controller runs as it would live: every interval it forecasts each
 * automatic queue's service level from the live rates of the run's own events and dispatches
 * SET_SURGE when it decides; simulated callers offered a callback take it with
 * `behaviour.callbackAcceptProbability` (REQUEST_CALLBACK), and then never abandon.
 */
export function simulate(scenario: SimScenario): SimResult {
  validate(scenario);
  const { queues, seed } = scenario;
  const totalPerSecond = queues.reduce((s, q) => s + q.arrivalsPerHour / 3600, 0);
  const warmupSeconds = scenario.warmupSeconds ?? (0.1 * scenario.contacts) / totalPerSecond;
  const batches = scenario.batches ?? 30;
  const acceptDelayMs = (scenario.behaviour?.acceptDelaySeconds ?? 0) * 1000;
  const declineProbability = scenario.behaviour?.declineProbability ?? 0;
  const callbackAccept = scenario.behaviour?.callbackAcceptProbability ?? 0;
  const callbackDecisionMs = (scenario.behaviour?.callbackDecisionSeconds ?? 5) * 1000;
  const phases = scenario.arrivalPhases ?? [];
  const fromMs = warmupSeconds * 1000;
  const surge = scenario.surge === undefined ? undefined : new SurgeTracker(queues, scenario.surge);

  const engine = new RoutingEngine({ domainId: 'sim', ruleVersion: 'sim', queues: queues.map((q) => q.config) });
  const queueIds = queues.map((q) => q.config.id);
  const columns = new OutcomeColumns(scenario.contacts);
  const kpis = new KpiAccumulator({
    fromMs,
    slSecondsByQueue: Object.fromEntries(queues.map((q) => [q.config.id, q.config.serviceLevel.withinSeconds])),
    // Contact ids are `c<arrival number>`, which gives the column row without a lookup.
    onOutcome: (o) => {
      columns.record(Number(o.contactId.slice(1)) - 1, queueIds.indexOf(o.queueId), o);
      surge?.outcome(o);
    },
  });
  const heap = new EventHeap<SimEvent>();
  const arrivalRngs = queues.map((_, i) => deriveRng(seed, 100 + i));
  const handleRng = deriveRng(seed, 1);
  const patienceRng = deriveRng(seed, 2);
  const behaviourRng = deriveRng(seed, 3);
  const callbackRng = deriveRng(seed, 4);
  /** Live offer token per contact, so a simulated agent never answers a withdrawn offer. */
  const liveOffer = new Map<string, number>();
  /** Contacts not yet answered or gone: the only ones an abandonment applies to. */
  const waiting = new Set<string>();
  const handleOf = new Map<string, number>();
  /** A queue with a disposition catalogue refuses other codes: its contacts complete with its first. */
  const firstDisposition = new Map(queues.map((q) => [q.config.id, q.config.dispositions?.[0] ?? 'done']));
  const dispositionOf = new Map<string, string>();
  /** Callers who took a callback: they hung up on purpose and no longer abandon. */
  const calledBack = new Set<string>();
  const signedIn = new Map<string, AgentProfile>();
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
  /** Each queue's pending unit-exponential draw, whose arrival is on the heap (the gap's control variate). */
  const draws = queues.map(() => 0);
  const scheduleArrival = (i: number): void => {
    const q = queues[i]!;
    if (!(q.arrivalsPerHour > 0)) return;
    draws[i] = sampleExponential(arrivalRngs[i]!, 1);
    const at = nextArrivalMs(now, 3_600_000 / q.arrivalsPerHour, phases, draws[i]!);
    if (Number.isFinite(at)) heap.push(at, { t: 'arrival', queue: i });
  };
  queues.forEach((_, i) => scheduleArrival(i));
  if (surge !== undefined) {
    if (surge.automatic) heap.push(surge.intervalMs, { t: 'surgeTick' });
    for (const sw of scenario.surge?.supervisor ?? []) heap.push(sw.atSeconds * 1000, { t: 'supervisor', sw });
  }

  const apply = (command: RoutingCommand): void => {
    commands++;
    const result = engine.apply(command, now);
    for (const event of result.events) {
      kpis.add(event);
      surge?.observe(event);
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
        calledBack.delete(event.contactId);
        dispositionOf.set(event.contactId, firstDisposition.get(event.queueId) ?? 'done');
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
        calledBack.delete(event.contactId);
        handleOf.delete(event.contactId);
        return;
      case 'CallbackOffered':
        if (callbackAccept > 0 && callbackRng.next() < callbackAccept) heap.push(now + callbackDecisionMs, { t: 'callback', contactId: event.contactId });
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
        // Without phases the gap × rate is the unit draw itself; with them, the draw is the control.
        const gapDev = phases.length === 0 ? ((now - (lastArrivalOf[item.queue] ?? 0)) / 3_600_000) * queue.arrivalsPerHour - 1 : (draws[item.queue] ?? 1) - 1;
        lastArrivalOf[item.queue] = now;
        columns.recordInputs(arrivals - 1, meanOf(queue.handle) > 0 ? handle / meanOf(queue.handle) - 1 : 0, gapDev, patienceDev);
        apply({ type: 'ARRIVE', contact: {
          id, domain: 'sim', channel: queue.channel ?? 'phone', queueId: queue.config.id, basePriority: queue.basePriority ?? 0, tier: queue.tier ?? 'STANDARD',
          arrivedAtMs: now, ...(queue.contactSkills !== undefined ? { requiredSkills: queue.contactSkills } : {}) } });
        if (arrivals === scenario.contacts) occupancy = kpis.snapshot(now).occupancy;
        else scheduleArrival(item.queue);
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
        apply({ type: 'COMPLETE', contactId: item.contactId, agentId: item.agentId, disposition: dispositionOf.get(item.contactId) ?? 'done' });
        dispositionOf.delete(item.contactId);
        break;
      case 'abandon': if (waiting.has(item.contactId) && !calledBack.has(item.contactId)) apply({ type: 'ABANDON', contactId: item.contactId }); break;
      case 'signIn': signedIn.set(item.agent.id, item.agent); apply({ type: 'SIGN_IN', agent: item.agent }); break;
      case 'signOut': signedIn.delete(item.agentId); apply({ type: 'SIGN_OUT', agentId: item.agentId }); break;
      case 'surgeTick':
        for (const command of surge?.tick(now, signedIn.values()) ?? []) apply(command);
        // Evaluated while anything is still to come, or while a surge the forecast may end holds
        // contacts back (deferred email); a queue pinned in surge by a supervisor ends the run with them held.
        if (surge !== undefined && (arrivals < scenario.contacts || heap.size > 0 || (waiting.size > 0 && surge.mayEnd))) heap.push(now + surge.intervalMs, item);
        break;
      case 'supervisor': {
        const command = surge?.supervisor(item.sw, now);
        if (command !== undefined) apply(command);
        break;
      }
      case 'callback':
        if (!waiting.has(item.contactId) || liveOffer.has(item.contactId)) break;
        calledBack.add(item.contactId);
        // A made-up E.164 number per caller (+1 555 and the arrival number).
        apply({ type: 'REQUEST_CALLBACK', contactId: item.contactId, number: `+1555${item.contactId.slice(1).padStart(7, '0')}` });
        break;
    }
  }
  const report = kpis.snapshot(lastArrivalMs);
  const result = simResult(report, occupancy, columns, queueIds, {
    arrivals, warmupSeconds, measuredSeconds: Math.max(0, lastArrivalMs - fromMs) / 1000, simulatedSeconds: now / 1000,
    batches, seed, engineCommands: commands,
  });
  return surge === undefined ? result : { ...result, surge: surge.report(report, now) };
}

/**
 * When the next arrival after `fromMs` comes for a Poisson stream of mean gap `meanGapMs` whose rate
 * is scaled by `phases`: the unit-exponential `draw` is spent across the phases (the inversion of
 * the integrated rate), so a ramp is an exact non-homogeneous Poisson process. Infinity when the
 * rate stays at 0 for good.
 */
export function nextArrivalMs(fromMs: number, meanGapMs: number, phases: readonly ArrivalPhase[], draw: number): number {
  let t = fromMs;
  let left = draw;
  for (;;) {
    let multiplier = 1;
    let nextBoundary = Infinity;
    for (const p of phases) {
      const at = p.fromSeconds * 1000;
      if (at <= t) multiplier = p.multiplier;
      else { nextBoundary = at; break; }
    }
    if (multiplier > 0) {
      const gap = (left * meanGapMs) / multiplier;
      if (t + gap <= nextBoundary) return t + gap;
      left -= ((nextBoundary - t) * multiplier) / meanGapMs;
    }
    if (nextBoundary === Infinity) return Infinity;
    t = nextBoundary;
  }
}

function validate(scenario: SimScenario): void {
  if (!Number.isInteger(scenario.contacts) || scenario.contacts < 1) throw new RangeError(`contacts must be a positive integer, got ${scenario.contacts}`);
  if (scenario.queues.length === 0) throw new RangeError('queues must not be empty');
  if (!scenario.queues.some((q) => q.arrivalsPerHour > 0)) throw new RangeError('at least one queue needs arrivalsPerHour > 0');
  const p = scenario.behaviour?.declineProbability ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`behaviour.declineProbability must be within [0, 1), got ${p}`);
  const c = scenario.behaviour?.callbackAcceptProbability ?? 0;
  if (!(c >= 0 && c <= 1)) throw new RangeError(`behaviour.callbackAcceptProbability must be within [0, 1], got ${c}`);
  let last = -Infinity;
  (scenario.arrivalPhases ?? []).forEach((phase, i) => {
    if (!(phase.fromSeconds >= 0) || phase.fromSeconds <= last) throw new RangeError(`arrivalPhases[${i}].fromSeconds must be ≥ 0 and increasing, got ${phase.fromSeconds}`);
    if (!(phase.multiplier >= 0) || !Number.isFinite(phase.multiplier)) throw new RangeError(`arrivalPhases[${i}].multiplier must be ≥ 0, got ${phase.multiplier}`);
    last = phase.fromSeconds;
  });
  const interval = scenario.surge?.intervalSeconds ?? 60;
  if (!(interval > 0)) throw new RangeError(`surge.intervalSeconds must be > 0, got ${interval}`);
}

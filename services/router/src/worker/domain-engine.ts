import { RoutingEngine, type ApplyResult, type RoutingCommand, type RoutingEvent, type TimerRequest } from '@switchboard/routing-core';
import type { Transition } from '@switchboard/state';
import type { AppliedRecord } from '@switchboard/router-api';
import { transitionOf, type EncodedEvent } from '../mapping/transition.mapper.js';
import { contactContextJson, encodeContactContext, type CheckpointContent } from '../mapping/checkpoint.mapper.js';
import { DEFAULT_RETENTION, IdempotencyWindow, type IdempotencyRetention } from './idempotency-window.js';

/** What a checkpoint holds of the domain's state: all of it but what the checkpointer adds when it writes one. */
export type EngineCheckpoint = Omit<CheckpointContent, 'domain' | 'takenAtMs' | 'routingTailAfterSeq'>;

/**
 * A capture as taken between two commits: the engine image and copies of the maps beside it, as
 * entry tuples (the cheapest copy); {@link checkpointOf} turns it into a checkpoint later, on a
 * turn of its own.
 */
export interface EngineCapture extends Omit<EngineCheckpoint, 'contexts' | 'applied'> {
  readonly contexts: readonly (readonly [string, Uint8Array])[];
  readonly applied: readonly (readonly [string, number])[];
}

/** The checkpoint of a capture. */
export function checkpointOf(c: EngineCapture): EngineCheckpoint {
  return {
    ...c, contexts: c.contexts.map(([contactId, context]) => ({ contactId, context })), applied: c.applied.map(([commandId, atMs]) => ({ commandId, atMs })),
  };
}

/** The result of one command: the engine's answer, and the transition to commit (none when stale). */
export interface Prepared {
  readonly result: ApplyResult;
  /** The log entry, timers and fired timer to commit; its events go in the batch's ROUTING record. */
  readonly transition?: Transition;
  /** The record's position in the log (set with `transition`). */
  readonly position?: number;
  readonly protoEvents: readonly EncodedEvent[];
}

/**
 * The core engine of one domain plus what the adapters need around it: the idempotency set, the
 * log position, a clock that never runs backwards, and the mapping of each applied command to a
 * Redis transition (log record, timers, outbox of proto events).
 */
export class DomainEngine {
  readonly engine: RoutingEngine;
  /** Command ids that may still come back (bounded by time; see IdempotencyWindow). */
  private readonly applied: IdempotencyWindow;
  /** Live contacts' platform context, for desktops (see AppliedRecord.context), as proto `Contact` bytes. */
  private readonly contexts = new Map<string, Uint8Array>();
  /** Timers asked for and not yet fired: bounded by live contacts (see trackTimers). */
  private readonly timers = new Map<string, TimerRequest>();
  /** Each live contact's timer ids (fired ones included until the contact ends): how its timers go with it. */
  private readonly timersOfContact = new Map<string, string[]>();
  private position = 0;
  private lastNowMs = 0;

  /**
   * `epoch`: the Redis state epoch new records are committed in (`Lease.epoch`). `from`: a
   * checkpoint to start from instead of the empty state.
   */
  constructor(readonly domain: string, ruleVersion: string, readonly epoch: string,
    options: { readonly retention?: IdempotencyRetention; readonly from?: EngineCheckpoint } = {}) {
    const from = options.from;
    const config = { domainId: domain, ruleVersion: from?.ruleVersion ?? ruleVersion };
    this.engine = from === undefined ? new RoutingEngine(config) : RoutingEngine.restore(config, from.engine);
    this.applied = new IdempotencyWindow(options.retention ?? DEFAULT_RETENTION);
    if (from === undefined) return;
    this.position = from.position;
    this.lastNowMs = from.lastNowMs;
    for (const { contactId, context } of from.contexts) this.contexts.set(contactId, context);
    for (const { commandId, atMs } of from.applied) this.applied.add(commandId, atMs);
    for (const timer of from.timers) this.rememberTimer(timer);
  }

  /**
   * The whole state as of the last command applied, for a checkpoint. Synchronous: nothing moves
   * meanwhile, and routing waits for it, so it copies only (see {@link checkpointOf} for the rest).
   */
  capture(): EngineCapture {
    this.applied.prune(this.lastNowMs);
    return {
      epoch: this.epoch, position: this.position, ruleVersion: this.engine.config.ruleVersion, lastNowMs: this.lastNowMs,
      engine: this.engine.capture(), contexts: [...this.contexts], applied: this.applied.tuples(), timers: [...this.timers.values()],
    };
  }

  /** {@link capture} and {@link checkpointOf} in one go. */
  checkpoint(): EngineCheckpoint {
    return checkpointOf(this.capture());
  }

  /** Timers asked for and not yet fired (what a rebuild schedules again). */
  pendingTimers(): readonly TimerRequest[] {
    return [...this.timers.values()];
  }

  /**
   * Adds the handle-limit timer of every open connection that has none pending (a connection
   * restored from a checkpoint written before limits existed) and returns those it added, for
   * the caller to schedule in Redis.
   */
  addMissingLimitTimers(): TimerRequest[] {
    const missing = this.engine.connectionLimitTimers().filter((t) => !this.timers.has(t.id));
    for (const t of missing) this.rememberTimer(t);
    return missing;
  }

  /** Sizes of what this engine keeps beside the core (for metrics and the soak benchmark). */
  sizes(): { readonly contexts: number; readonly timers: number; readonly appliedIds: number } {
    return { contexts: this.contexts.size, timers: this.timers.size, appliedIds: this.applied.size };
  }

  get logPosition(): number {
    return this.position;
  }

  /** The platform context of a live contact, if it arrived with one. */
  contextOf(contactId: string): Record<string, unknown> | undefined {
    const bytes = this.contexts.get(contactId);
    return bytes === undefined ? undefined : contactContextJson(bytes);
  }

  hasApplied(commandId: string): boolean {
    return commandId !== '' && this.applied.has(commandId);
  }

  /**
   * Keeps what lives beside the engine in step with it: the fired timer goes, new timers come, an
   * arrival's context comes, and an ended contact's context and timers go. The last matters for
   * timers: one that fires stale (an accepted offer's timeout) is dropped without a log record,
   * so a rebuild never sees it fire; without this, every such timer replayed would stay in the
   * set, and in every later checkpoint, for good.
   */
  private track(command: RoutingCommand, result: ApplyResult, context: Record<string, unknown> | undefined): void {
    if (command.type === 'TIMER_FIRED') this.timers.delete(command.timer.id);
    for (const t of result.timers) this.rememberTimer(t);
    if (command.type === 'ARRIVE' && context) this.contexts.set(command.contact.id, encodeContactContext(context));
    for (const event of result.events) {
      if (!endsContact(event)) continue;
      this.contexts.delete(event.contactId);
      for (const id of this.timersOfContact.get(event.contactId) ?? []) this.timers.delete(id);
      this.timersOfContact.delete(event.contactId);
    }
  }

  private rememberTimer(t: TimerRequest): void {
    this.timers.set(t.id, t);
    const ids = this.timersOfContact.get(t.contactId);
    if (ids) ids.push(t.id);
    else this.timersOfContact.set(t.contactId, [t.id]);
  }

  /** Replays one logged record (recovery): same command, same time, same result. */
  replay(record: AppliedRecord): ApplyResult {
    this.lastNowMs = Math.max(this.lastNowMs, record.at);
    const result = this.engine.apply(record.cmd, record.at);
    this.track(record.cmd, result, record.context);
    if (record.cid) this.applied.add(record.cid, record.at);
    this.position = Math.max(this.position, record.n);
    return result;
  }

  /**
   * Applies a command now and prepares its transition. Throws the engine's `RoutingError` for an
   * impossible command (the engine's state is then unchanged).
   */
  prepare(commandId: string, command: RoutingCommand, nowMs: number, firedTimer?: string, context?: Record<string, unknown>): Prepared {
    const at = Math.max(this.lastNowMs, nowMs);
    const result = this.engine.apply(command, at);
    this.lastNowMs = at;
    const unchanged = result.outcome.kind === 'stale' && result.events.length === 0 && result.timers.length === 0;
    this.track(command, result, unchanged ? undefined : context);
    if (unchanged) return { result, protoEvents: [] };
    if (commandId) this.applied.add(commandId, at);
    const record: AppliedRecord = { n: ++this.position, cid: commandId, e: this.epoch, at, cmd: command, ...(context ? { context } : {}) };
    return { result, position: record.n, ...transitionOf(this.domain, record, result.events, result.timers, firedTimer) };
  }
}

type ContactEnding = 'WrapUpEnded' | 'ContactAbandoned' | 'ContactExpired' | 'ContactRejected' | 'ContactTransferred';

/** Whether the contact is over after `event`: completed, abandoned, expired, rejected or transferred out of the domain. */
export function endsContact(event: RoutingEvent): event is Extract<RoutingEvent, { type: ContactEnding }> {
  return event.type === 'WrapUpEnded' || event.type === 'ContactAbandoned' || event.type === 'ContactExpired'
    || event.type === 'ContactRejected' || (event.type === 'ContactTransferred' && event.destination !== undefined);
}

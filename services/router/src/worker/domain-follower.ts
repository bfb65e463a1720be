import type { DomainStore, Lease } from '@switchboard/state';
import type { Logger } from 'pino';
import type { RuleSet } from '../rules/classify.js';
import { decodeInTurns, replayRedisTail, restoreEngine, type WarmStart } from './open-domain.js';

export interface FollowerDeps {
  readonly store: DomainStore;
  readonly logger: Logger;
  readonly clock: () => number;
}

/**
 * A standby replica's copy of a domain another replica owns, kept in step with the owner's Redis
 * log, so that a takeover replays only the records of the last moments instead of loading and
 * decoding the checkpoint (about 1.5 s at 100,000 live contacts here, on top of the lease wait).
 * It applies the same records the same way a rebuild does (`DomainEngine.replay`), so the state
 * it hands over is the one a rebuild from the checkpoint would reach. It starts over from the
 * checkpoint when the domain's state epoch changed (Redis lost everything and a new owner
 * rebuilt) or when the owner trimmed the log past it. Memory: one engine per domain followed,
 * bounded by that domain's live state, like the owner's.
 */
export class DomainFollower {
  private state: WarmStart | undefined;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(readonly domain: string, private readonly rules: RuleSet, private readonly deps: FollowerDeps) {}

  /** Reads what the owner committed since the last call; while one catch-up runs, another call joins it. */
  catchUp(): Promise<void> {
    if (this.busy) return this.running;
    this.busy = true;
    this.running = this.step().catch((error: unknown) => {
      this.state = undefined;
      this.deps.logger.warn({ err: error, domain: this.domain }, 'standby could not follow the domain; starting over');
    }).finally(() => { this.busy = false; });
    return this.running;
  }

  /**
   * The followed state for a takeover under `lease`, once the catch-up under way has ended;
   * undefined when there is none or it belongs to another state epoch. The follower gives it up:
   * from now on the new owner's worker changes it.
   */
  async take(lease: Lease): Promise<WarmStart | undefined> {
    await this.running;
    const state = this.state;
    this.state = undefined;
    return state !== undefined && state.core.epoch === lease.epoch ? state : undefined;
  }

  /** Resolves once the catch-up under way (if any) has ended. */
  idle(): Promise<void> {
    return this.running;
  }

  /** Followed log position (undefined while not following): for tests and logs. */
  get position(): number | undefined {
    return this.state?.core.logPosition;
  }

  private async step(): Promise<void> {
    const epoch = await this.deps.store.stateEpoch();
    if (epoch === undefined) {
      this.state = undefined;
      return;
    }
    let state = this.state?.core.epoch === epoch ? this.state : await this.load(epoch, this.state ? 'new state epoch' : 'start');
    // At most one reload: the owner trimmed past what we had read, and the newest checkpoint covers it.
    for (let reloaded = false; ; reloaded = true) {
      const tail = await replayRedisTail(state.core, this.deps.store, state.lastLogId, { stopAtGap: true, covered: true });
      if (tail.gap === undefined) {
        this.state = { ...state, lastLogId: tail.lastLogId };
        return;
      }
      if (reloaded) {
        this.state = undefined; // trimmed again meanwhile: the next call starts over
        return;
      }
      state = await this.load(epoch, 'log trimmed past it', { ...tail.gap, afterId: tail.lastLogId });
    }
  }

  /** The newest Redis checkpoint as an engine of state epoch `epoch` (the empty engine before the first one). */
  private async load(epoch: string, reason: string, detail: Record<string, unknown> = {}): Promise<WarmStart> {
    const started = this.deps.clock();
    const stored = await this.deps.store.loadCheckpoint();
    const content = stored === undefined ? undefined : await decodeInTurns(stored.data);
    const core = restoreEngine(this.domain, this.rules, epoch, content);
    this.deps.logger.info({ domain: this.domain, reason, ...detail, fromCheckpoint: content?.position ?? null, ms: this.deps.clock() - started },
      'standby loaded the domain to follow it');
    return { core, lastLogId: stored?.logId ?? '', fromCheckpoint: content?.position };
  }
}

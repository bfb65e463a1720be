import { DeliverPolicy, type ConsumerMessages } from 'nats';
import type { Logger } from 'pino';
import { routingEventsOf } from '@switchboard/router-api';
import { AgentPerformanceFold, type AgentOpenState, type AgentPerformanceState } from '@switchboard/routing-core';
import type { AgentPerformanceStore } from '@switchboard/state';
import { coreEventFromProto } from '../mapping/core-event.mapper.js';
import { routingFilter, type RoutingSource } from '../queries/read-routing.js';

/** What the follower needs. */
export interface PerfFollowerDeps {
  readonly source: RoutingSource;
  readonly store: AgentPerformanceStore;
  readonly logger: Logger;
  /** Called after each batch is folded (tests wait on it; metrics could). */
  readonly onApplied?: (streamSeq: number) => void;
}

/** The running follower; `stop()` ends its consumer. */
export interface PerfFollower {
  stop(): Promise<void>;
}

/** Open states as the store keeps them (JSON), and back. */
export function parseOpenStates(open: ReadonlyMap<string, string>): AgentPerformanceState {
  return Object.fromEntries([...open].map(([agentId, json]) => [agentId, JSON.parse(json) as AgentOpenState]));
}

/**
 * Folds the domain's ROUTING batches into per-agent buckets (routing-core's
 * AgentPerformanceFold) and stores each batch's counters in Redis, once, in stream order. It
 * resumes after the position the store applied last, from the open state stored with it, so an
 * ops restart replays nothing. An ordered consumer (no acks, in order, recreated on a gap);
 * replicas of ops each run one: they fold the same stream to the same counters, and the store
 * applies each position once. A Redis failure holds the batch and retries it: order is kept.
 */
export async function startPerfFollower(deps: PerfFollowerDeps): Promise<PerfFollower> {
  const log = deps.logger.child({ component: 'agent-performance' });
  let checkpoint = await deps.store.checkpoint();
  // A stream re-created since (its last sequence is behind ours) would never reach our position:
  // start it over from its beginning, keeping the counters stored.
  const stream = await deps.source.jsm.streams.info(deps.source.names.routingStream);
  if (checkpoint.seq > stream.state.last_seq) {
    log.warn({ storedSeq: checkpoint.seq, streamLastSeq: stream.state.last_seq }, 'ROUTING is behind the stored position (re-created?): agent performance starts over from its beginning');
    await deps.store.rewind(checkpoint.open.keys());
    checkpoint = await deps.store.checkpoint();
  }
  log.info({ fromSeq: checkpoint.seq + 1, liveAgents: checkpoint.open.size }, 'agent performance follows ROUTING');
  const fold = new AgentPerformanceFold(parseOpenStates(checkpoint.open));
  const consumer = await deps.source.js.consumers.get(deps.source.names.routingStream, {
    filterSubjects: routingFilter(deps.source),
    // From the start of the stream (what its retention still holds) the first time. nats.js's ordered
    // consumer never starts with DeliverPolicy.All, so the start is always a sequence.
    deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: checkpoint.seq + 1,
  });
  const messages: ConsumerMessages = await consumer.consume();
  let stopped = false;
  const done = (async () => {
    for await (const msg of messages) {
      let events;
      try {
        events = routingEventsOf(msg.data);
      } catch (error) {
        log.warn({ err: error, seq: msg.info.streamSequence }, 'not a routing batch; skipped');
        continue;
      }
      for (const proto of events) {
        const event = coreEventFromProto(proto);
        if (event) fold.add(event); // SurveyAnswered and QaReviewScored included: the core's mapper knows them
      }
      const { deltas, states } = fold.drain();
      if (deltas.length > 0 || states.size > 0) await applyWithRetry(deps, msg.info.streamSequence, deltas, states, log, () => stopped);
      deps.onApplied?.(msg.info.streamSequence);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await messages.close();
      await done;
    },
  };
}

async function applyWithRetry(deps: PerfFollowerDeps, seq: number, deltas: ReturnType<AgentPerformanceFold['drain']>['deltas'],
  states: ReadonlyMap<string, AgentOpenState | undefined>, log: Logger, stopped: () => boolean): Promise<void> {
  const open = new Map([...states].map(([agentId, s]) => [agentId, s === undefined ? undefined : JSON.stringify(s)] as const));
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      await deps.store.apply(seq, deltas, open, Date.now());
      return;
    } catch (error) {
      log.warn({ err: error, seq, attempt }, 'agent performance not stored; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** attempt)));
    }
  }
}

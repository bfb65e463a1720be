import type { NatsConnection } from 'nats';
import { customerSubject, type BusNames } from '@switchboard/bus';
import { Channel as ProtoChannel, CustomerNotice } from '@switchboard/contracts';
import type { AgentView, Channel, ContactView } from '@switchboard/routing-core';
import { getTracer, withSpan, type Logger } from '@switchboard/telemetry';
import { expectedWait } from './contact-handlers.js';
import type { QueueServiceDeps } from './deps.js';
import { routerAgents, routerQueues, routerWaiting } from './router-queries.js';
import type { ReplicaLease } from './replica-lease.js';

const tracer = getTracer('@switchboard/queue-service');

/** How often a queue's customers hear their position when the queue says nothing (seconds). */
export const DEFAULT_ANNOUNCE_EVERY_SECONDS = 60;
/** Waiting contacts of one queue announced per tick at most (the first in line first). */
export const MAX_ANNOUNCED_PER_QUEUE = 1_000;

const PROTO_CHANNEL: Record<Channel, ProtoChannel> = {
  phone: ProtoChannel.CHANNEL_PHONE, email: ProtoChannel.CHANNEL_EMAIL, chat: ProtoChannel.CHANNEL_CHAT, wechat: ProtoChannel.CHANNEL_WECHAT, task: ProtoChannel.CHANNEL_TASK,
};

/** Channels whose customers wait live and hear their position (an email customer is not on the line). */
const LIVE: ReadonlySet<Channel> = new Set(['phone', 'chat', 'wechat']);

/** Options of {@link Announcer}. */
export interface AnnouncerOptions {
  readonly deps: QueueServiceDeps;
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly domain: string;
  /** Held by one replica at a time: only the holder announces (customers hear each notice once). */
  readonly lease: ReplicaLease;
  /** How often queues are looked at (ms); each contact is announced at its queue's cadence. */
  readonly tickMs: number;
  readonly logger: Logger;
}

/**
 * Tells waiting customers where they stand: at each queue's cadence (`announceEverySeconds`),
 * every live waiting contact gets a CustomerNotice (position, estimated wait, callback offer or
 * callback kept) on `<root>.customer.<domain>.<channel>`, which its channel's ingestion service
 * delivers on its own wire. A contact is announced as soon as it is first seen waiting, then at
 * the cadence. Positions and estimates are GetPosition's (the same router order and estimator).
 * Memory: the last announcement time of the contacts waiting at the last tick, nothing else.
 */
export class Announcer {
  /** Contact id → when it was last announced, and whether a callback was offered by then. */
  private readonly lastAnnounced = new Map<string, { atMs: number; offered: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: AnnouncerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Contacts whose last announcement it remembers (the ones waiting at the last tick). */
  get size(): number {
    return this.lastAnnounced.size;
  }

  /** One look at every queue (exposed for tests); skipped while the previous one runs or another replica leads. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      if (!(await this.options.lease.holds())) {
        this.lastAnnounced.clear();
        return 0;
      }
      return await withSpan(tracer, 'announce positions', { 'switchboard.domain': this.options.domain }, () => this.announceAll());
    } catch (error) {
      this.options.logger.warn({ err: error }, 'announcing positions failed; next tick retries');
      return 0;
    } finally {
      this.running = false;
    }
  }

  private async announceAll(): Promise<number> {
    const { deps, domain } = this.options;
    const queues = (await routerQueues(deps, domain)).filter((q) => q.waiting > 0);
    const agents = queues.length === 0 ? [] : await routerAgents(deps, domain);
    const seen = new Set<string>();
    let sent = 0;
    for (const q of queues) {
      const waiting = await routerWaiting(deps, domain, q.queueId, MAX_ANNOUNCED_PER_QUEUE);
      const everyMs = (q.config.announceEverySeconds ?? DEFAULT_ANNOUNCE_EVERY_SECONDS) * 1000;
      sent += this.announceQueue(waiting, agents, everyMs, seen);
    }
    for (const id of this.lastAnnounced.keys()) if (!seen.has(id)) this.lastAnnounced.delete(id);
    return sent;
  }

  /** Announces the due contacts of one queue, `waiting` in routing order (position = index + 1). */
  private announceQueue(waiting: readonly ContactView[], agents: readonly AgentView[], everyMs: number, seen: Set<string>): number {
    const { deps, domain } = this.options;
    const now = deps.now();
    let sent = 0;
    waiting.forEach((contact, index) => {
      seen.add(contact.id);
      // A callback's customer is not on the line: their channel already told them their place is kept.
      if (!LIVE.has(contact.channel) || contact.callback !== undefined) return;
      const last = this.lastAnnounced.get(contact.id);
      // A callback offered since the last notice (surge) is told at once, not at the next cadence.
      const newOffer = contact.callbackOffered && last?.offered === false;
      if (last !== undefined && now - last.atMs < everyMs && !newOffer) return;
      const position = index + 1;
      const notice = CustomerNotice.fromPartial({
        domain, contactId: contact.id, channel: PROTO_CHANNEL[contact.channel], queueId: contact.queueId, position,
        estimatedWaitSeconds: expectedWait(deps, domain, contact, position, agents, now),
        waitedSeconds: Math.max(0, now - contact.enqueuedAtMs) / 1000, language: contact.language ?? '',
        callbackOffered: contact.callbackOffered, callbackRequested: false, at: new Date(now),
      });
      this.options.nc.publish(customerSubject(this.options.names, domain, contact.channel), CustomerNotice.encode(notice).finish());
      this.lastAnnounced.set(contact.id, { atMs: now, offered: contact.callbackOffered });
      sent++;
    });
    return sent;
  }
}

import type { Logger } from 'pino';
import { ContactUpdateKind } from '@switchboard/contracts';
import type { ContactPublisher } from '@switchboard/ingest-kit';
import { toUpdate } from './contact.mapper.js';
import type { ChatSessionStore } from './session-store.js';

/** Options of {@link AbandonmentWatch}. */
export interface AbandonmentOptions {
  readonly sessions: ChatSessionStore;
  readonly publisher: ContactPublisher;
  readonly domain: string;
  readonly logger: Logger;
  /** A reconnect within this long (page reload, network blip) is not leaving. */
  readonly graceMs: number;
  /** Waits between attempts when NATS is down at that moment. */
  readonly retryDelaysMs?: readonly number[];
  readonly now: () => number;
}

/**
 * Decides, a grace period after a visitor's socket closed, whether the visitor left: when no
 * socket reopened since, an unanswered contact is ABANDONED and an answered one ENDED, published
 * once (idempotency key per session) and then the session is marked ended.
 */
export class AbandonmentWatch {
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: AbandonmentOptions) {}

  /**
   * The socket `connectionId` of `sessionId` closed at `closedAt`. The visitor left unless a
   * socket opened since: told by the session's last connection id, not by the times — the close
   * is noticed only once the socket's queued frames are handled, which can be after a reload's
   * new socket opened (CI saw a reload within the grace abandoned that way).
   */
  closed(sessionId: string, closedAt: number, connectionId?: string, attempt = 0, delay = this.options.graceMs): void {
    // Sockets closed by the shutdown itself (and retries of checks failing on the draining bus)
    // must not start timers that hold the process open past its shutdown.
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.check(sessionId, closedAt, connectionId, attempt).finally(() => this.pending.delete(run));
      this.pending.add(run);
    }, delay);
    this.timers.add(timer);
  }

  /** Resolves once no check is waiting or running (tests). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.pending.size > 0) {
      await Promise.all(this.pending);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Drops waiting checks (shutdown: a later replica cannot know, the contact's own timers cover it). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async check(sessionId: string, closedAt: number, connectionId: string | undefined, attempt: number): Promise<void> {
    const { sessions, publisher, domain, logger } = this.options;
    try {
      const session = await sessions.get(sessionId);
      if (!session || !session.started || session.ended) return;
      // Sessions written before connection ids (an older replica) fall back to the times.
      const reopened = connectionId !== undefined && session.connectionId !== undefined
        ? session.connectionId !== connectionId
        : session.connectedAt > closedAt;
      if (reopened) return;
      const kind = session.answered ? ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED : ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED;
      await publisher.publishContactUpdate(toUpdate(session, domain, kind, new Date(this.options.now())), `${sessionId}:left`);
      await sessions.update(sessionId, (s) => ({ ...s, ended: true }));
      logger.info({ sessionId, contactId: session.contactId, answered: session.answered }, 'visitor left');
    } catch (error) {
      const delay = (this.options.retryDelaysMs ?? [1_000, 5_000, 30_000])[attempt];
      logger.warn({ err: error, sessionId, attempt }, 'could not record the visitor leaving');
      if (delay !== undefined) this.closed(sessionId, closedAt, connectionId, attempt + 1, delay);
    }
  }
}

import { headers as natsHeaders, type Subscription } from 'nats';
import type { Logger } from 'pino';
import { chatSessionSubject } from '@switchboard/bus';
import type { CustomerNotice } from '@switchboard/contracts';
import { callbackOfferText, customerLanguage, positionText, type IngestBus } from '@switchboard/ingest-kit';
import { getTracer, withNatsProcessSpan, withNatsPublishSpan } from '@switchboard/telemetry';
import type { ServerFrame, SystemFrame } from './frames.js';
import type { ChatSession, ChatSessionStore } from './session-store.js';
import { withoutPending } from './session-store.js';

const tracer = getTracer('@switchboard/ingest-chat');

/** A visitor's socket as the relay sees it. */
export interface SocketSink {
  send(frame: ServerFrame): void;
  /** Closes the socket (1000 once the chat is over). */
  close(code: number, reason: string): void;
}

/** A session with at least one socket open on this replica. */
interface LocalSession {
  readonly sessionId: string;
  readonly contactId: string;
  /** The pre-chat form's language tag. */
  readonly language: string;
  readonly sinks: Set<SocketSink>;
  /** One close timer per socket at most, while an offer runs (see {@link endOf}). */
  readonly timers: Map<SocketSink, NodeJS.Timeout>;
  readonly subscription: Subscription;
  /** Flushes of this session run one after the other, so two never show the same frames twice here. */
  chain: Promise<void>;
  /** The chat is over (routing closed it, or the visitor chose a callback): no more position frames. */
  over: boolean;
}

type EndReason = Extract<SystemFrame, { kind: 'ended' }>['reason'];

/**
 * When the chat of `session` ends: now for a closed wait without an offer, a chosen callback or a
 * follow-up left; at the offer's end while the visitor may still answer one; never while waiting.
 */
export function endOf(session: ChatSession, now: number): { reason: EndReason; atMs: number } | undefined {
  if (session.followUp !== undefined) return { reason: 'follow-up', atMs: now };
  if (session.callbackRequested) return { reason: 'callback', atMs: now };
  if (session.closed === undefined) return undefined;
  const until = session.closed.offerUntil;
  if (session.closed.offer === undefined || until === undefined) return { reason: 'closed', atMs: now };
  return { reason: 'offer-expired', atMs: Math.max(until, now) };
}

/** Options of {@link SessionRelay}. */
export interface SessionRelayOptions {
  readonly bus: IngestBus;
  readonly sessions: ChatSessionStore;
  readonly domain: string;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Brings system frames to the visitor's sockets, whichever replica holds them. Position notices
 * reach every replica (queue-service publishes them on core NATS without a queue group): the one
 * holding a socket of the contact's session shows them. Routing's exceptions and offers reach one
 * replica (a shared durable on ROUTING): it stores the frame in the session (`pending`) and nudges
 * `<root>.chat.<domain>.<sessionId>`, which each replica holding a socket of the session is
 * subscribed to; that replica shows the pending frames and removes them. A visitor not connected
 * finds them on the next connect; a lost nudge costs nothing but the wait for that connect.
 *
 * Bounded by the sockets this replica holds: one entry (and one subscription) per session with an
 * open socket here, gone with its last socket; one timer per socket at most.
 */
export class SessionRelay {
  private readonly local = new Map<string, LocalSession>();
  private readonly byContact = new Map<string, string>();
  private readonly log: Logger;

  constructor(private readonly options: SessionRelayOptions) {
    this.log = options.logger.child({ component: 'session-relay' });
  }

  /**
   * A socket of `session` opened here: subscribes to the session's nudges (first socket only) and
   * then shows what is pending (subscribed first, so no nudge falls between the read and the
   * subscription). Returns the function to call when the socket closed.
   */
  attach(session: ChatSession, sink: SocketSink): () => void {
    let entry = this.local.get(session.sessionId);
    if (entry === undefined) {
      const subject = chatSessionSubject(this.options.bus.names, this.options.domain, session.sessionId);
      const subscription = this.options.bus.nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error) return this.log.warn({ err: error, sessionId: session.sessionId }, 'session nudge subscription failed');
          void withNatsProcessSpan(tracer, { subject, subjectTemplate: `${this.options.bus.names.subjectRoot}.chat.{domain}.{sessionId}`, headers: msg.headers },
            () => this.flush(session.sessionId));
        },
      });
      entry = {
        sessionId: session.sessionId, contactId: session.contactId, language: session.form.language, sinks: new Set(), timers: new Map(),
        subscription, chain: Promise.resolve(), over: false,
      };
      this.local.set(session.sessionId, entry);
      this.byContact.set(session.contactId, session.sessionId);
    }
    entry.sinks.add(sink);
    void this.flush(session.sessionId);
    const local = entry;
    return () => {
      local.sinks.delete(sink);
      const timer = local.timers.get(sink);
      if (timer) clearTimeout(timer);
      local.timers.delete(sink);
      if (local.sinks.size > 0 || this.local.get(local.sessionId) !== local) return;
      local.subscription.unsubscribe();
      this.local.delete(local.sessionId);
      this.byContact.delete(local.contactId);
    };
  }

  /**
   * Tells the replicas holding a socket of `sessionId` to show its pending frames (and to end the
   * chat when it is over). Core NATS: a nudge nobody hears is fine, the frames wait in the session.
   */
  nudge(sessionId: string): void {
    const subject = chatSessionSubject(this.options.bus.names, this.options.domain, sessionId);
    const headers = natsHeaders();
    withNatsPublishSpan(tracer, { subject, subjectTemplate: `${this.options.bus.names.subjectRoot}.chat.{domain}.{sessionId}`, headers }, () => {
      this.options.bus.nc.publish(subject, new Uint8Array(0), { headers });
    });
  }

  /** Shows a position notice on the sockets of its contact's session, if this replica holds one. */
  deliverNotice(notice: CustomerNotice): void {
    const sessionId = this.byContact.get(notice.contactId);
    const entry = sessionId === undefined ? undefined : this.local.get(sessionId);
    if (entry === undefined || entry.over) return;
    const language = customerLanguage(entry.language || notice.language);
    const position = positionText(language, notice.position, notice.estimatedWaitSeconds);
    const text = notice.callbackOffered ? `${position}${language === 'zh' ? '' : ' '}${callbackOfferText(language, 'leave-number')}` : position;
    const frame: SystemFrame = {
      type: 'system', kind: 'position', position: notice.position, estimatedWaitSeconds: Math.round(notice.estimatedWaitSeconds),
      text, callbackOffered: notice.callbackOffered, callbackRequested: notice.callbackRequested,
    };
    for (const sink of entry.sinks) sink.send(frame);
  }

  /** Sessions with a socket here (tests, metrics). */
  get size(): number {
    return this.local.size;
  }

  /** Unsubscribes everything and drops the timers (shutdown; the sockets are closed by the server). */
  stop(): void {
    for (const entry of this.local.values()) {
      entry.subscription.unsubscribe();
      for (const timer of entry.timers.values()) clearTimeout(timer);
    }
    this.local.clear();
    this.byContact.clear();
  }

  /** Shows the session's pending frames here, removes them from the session, and ends the chat when it is over. */
  private flush(sessionId: string): Promise<void> {
    const entry = this.local.get(sessionId);
    if (entry === undefined) return Promise.resolve();
    entry.chain = entry.chain.then(() => this.flushNow(entry)).catch((error: unknown) => {
      // The frames stay pending: the next connect or nudge shows them.
      this.log.warn({ err: error, sessionId }, 'pending system frames not shown');
    });
    return entry.chain;
  }

  private async flushNow(entry: LocalSession): Promise<void> {
    const { sessions, now } = this.options;
    const session = await sessions.get(entry.sessionId);
    if (session === undefined || entry.sinks.size === 0) return;
    const pending = session.pending ?? [];
    for (const { frame } of pending) for (const sink of entry.sinks) sink.send(frame as SystemFrame);
    if (pending.length > 0) {
      await sessions.update(entry.sessionId, (s) => withoutPending(s, new Set(pending.map((p) => p.id))));
      this.log.info({ sessionId: entry.sessionId, frames: pending.length }, 'system frames shown');
    }
    const end = endOf(session, now());
    if (end === undefined) return;
    entry.over = true;
    for (const sink of [...entry.sinks]) {
      if (end.atMs <= now()) {
        sink.send({ type: 'system', kind: 'ended', reason: end.reason });
        sink.close(1000, 'chat ended');
      } else if (!entry.timers.has(sink)) {
        // The offer runs out: look again then (the visitor may have answered it meanwhile).
        entry.timers.set(sink, setTimeout(() => {
          entry.timers.delete(sink);
          void this.flush(entry.sessionId);
        }, end.atMs - now()));
      }
    }
  }
}

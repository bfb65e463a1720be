import { context, trace, type Context } from '@opentelemetry/api';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { agentSubject, type BusNames } from '@switchboard/bus';
import { getTracer, injectIntoTraceCarrier, mayRecord, withNatsPublishSpan } from '@switchboard/telemetry';
import type { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { encodeAgentNotification, type NotificationEntry } from '../mapping/agent-notification.mapper.js';
import type { Notice } from './outbox-relay.js';

const tracer = getTracer('@switchboard/router');

/** Contacts whose trace a worker keeps at most (contacts that end without an event it sees must not pile up). */
const MAX_TRACED_CONTACTS = 100_000;

export interface DeskNotifierDeps {
  readonly nc: NatsConnection;
  readonly names: BusNames;
  readonly domain: string;
  readonly logger: Logger;
}

/** An event for one agent, in the trace it is published in. */
interface Pending {
  readonly event: ProtoEvent;
  readonly ctx: Context;
  readonly entry: NotificationEntry;
}

/**
 * Tells desktops what happened to their agents once it is on ROUTING: for each relayed ROUTING
 * batch, one `AgentNotification` per agent its events name, on `<root>.agent.<domain>.<agentId>`
 * (core NATS), holding that agent's events of the batch in order. Batches are announced in
 * order, so each agent hears its events in order too. Each event carries its contact's trace
 * context in the message (the events of one message belong to several traces); a sampled event
 * gets its own publish span around the one publish. An offer relayed by a later owner (or twice,
 * after a takeover) reaches the desk then; desks treat a repeated event id as the same offer.
 */
export class DeskNotifier {
  /**
   * Each live contact's trace (the context its arrival was handled in): an offer made later, when
   * some agent frees up, is published in the contact's trace rather than the freeing command's.
   * Lost on a rebuild; offers then fall back to the command's context.
   */
  private readonly contactTraces = new Map<string, Context>();
  private readonly subjectTemplate: string;

  constructor(private readonly deps: DeskNotifierDeps) {
    this.subjectTemplate = `${deps.names.subjectRoot}.agent.{domain}.{agentId}`;
  }

  /** Keeps the trace a contact arrived in, for the notifications of its later events. */
  rememberTrace(contactId: string, ctx: Context): void {
    this.contactTraces.set(contactId, ctx);
    if (this.contactTraces.size > MAX_TRACED_CONTACTS) this.contactTraces.delete(this.contactTraces.keys().next().value!);
  }

  /** Announces one relayed batch's events (in order) to the agents they name: one message per agent. */
  notify(notices: readonly Notice[]): void {
    const byAgent = new Map<string, Pending[]>();
    for (const { event, bytes, ctx: commandCtx } of notices) {
      if (event.wrapUpEnded || event.abandoned || event.expired || event.rejected || event.transferred?.destination) {
        this.contactTraces.delete(event.contactId);
      }
      if (!event.agentId) continue;
      const ctx = this.contactTraces.get(event.contactId) ?? commandCtx ?? context.active();
      const pending = byAgent.get(event.agentId);
      const next = { event, ctx, entry: { bytes } };
      if (pending) pending.push(next);
      else byAgent.set(event.agentId, [next]);
    }
    for (const [agentId, pending] of byAgent) this.send(agentId, pending);
  }

  private send(agentId: string, pending: readonly Pending[]): void {
    try {
      const subject = agentSubject(this.deps.names, this.deps.domain, agentId);
      const entries = pending.map((p) => p.entry);
      let publish = (): void => this.deps.nc.publish(subject, encodeAgentNotification(entries));
      // An event nothing records gets no span (a span per agent event once cost ~10% of the
      // router's CPU): an upstream context goes on as it came, with its not-sampled flag, so the
      // desktop keeps that decision. Each sampled event's span is opened around the next one's,
      // innermost the publish, so every span holds the publish and writes its context first.
      for (let i = pending.length - 1; i >= 0; i--) {
        const { event, ctx, entry } = pending[i]!;
        if (!mayRecord(ctx)) {
          if (trace.getSpanContext(ctx) !== undefined) entry.traceContext = injectIntoTraceCarrier({}, ctx);
          continue;
        }
        const carrier: Record<string, string> = {};
        entry.traceContext = carrier;
        const inner = publish;
        publish = () => context.with(ctx, () => withNatsPublishSpan(tracer, {
          subject, subjectTemplate: this.subjectTemplate, traceCarrier: carrier, messageId: event.id,
          attributes: { 'switchboard.contact.id': event.contactId, 'switchboard.agent.id': agentId },
        }, inner));
      }
      publish();
    } catch (error) {
      this.deps.logger.warn({ err: error, agentId }, 'agent notification not sent');
    }
  }
}

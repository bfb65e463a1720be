import type { NatsConnection, Subscription } from 'nats';
import type { ConnectResponse, Contact, RoutingEvent } from '@switchboard/contracts';
import { agentEventsOf, type AgentEvent } from '@switchboard/router-api';
import { agentSubject, type BusNames } from '@switchboard/bus';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { extractFromNatsHeaders, extractFromTraceCarrier, getTracer, withNatsProcessSpan, type Logger } from '@switchboard/telemetry';
import { deskUpdateOf, offerOf } from './desk-event.mapper.js';
import { ContactTraces } from './contact-traces.js';
import type { RouterLink } from './router-link.js';
import type { SessionStore } from './session-store.js';
import { contactToProto } from './view.mapper.js';

/** Receives what happens to one agent: desk messages, and the raw event (for team watchers). */
export interface DeskListener {
  send(message: ConnectResponse): void;
  event?(event: RoutingEvent): void;
}

/** Looks up a contact's platform context (customer, channel ids, conversation history), if known. */
export type ContextLookup = (contactId: string) => Promise<Contact | undefined>;

const tracer = getTracer('@switchboard/agent-gateway');

/**
 * Hears every agent notification of the domain (`<root>.agent.<domain>.*`, core NATS: one
 * `AgentNotification` per agent and ROUTING batch, each event with its trace) and turns each event into
 * desk messages: offers get the contact's context from the router and are stored with the session
 * (so a reconnect replays them), withdrawals and state changes are passed on. Events of one agent
 * are handled in order. Every gateway replica hears every event: storing an offer is idempotent,
 * and the replica holding the agent's stream delivers it.
 */
export class DeskHub {
  private readonly listeners = new Map<string, Set<DeskListener>>();
  private readonly chains = new Map<string, Promise<void>>();
  private subscription: Subscription | undefined;
  private subjectTemplate = '';
  /** Each live contact's trace context, from the router's notifications: desk actions continue it. */
  private readonly traces = new ContactTraces();

  constructor(private readonly deps: {
    nc: NatsConnection; names: BusNames; domain: string; router: RouterLink; sessions: SessionStore; logger: Logger; context?: ContextLookup;
  }) {}

  async start(): Promise<void> {
    const prefix = agentSubject(this.deps.names, this.deps.domain, 'x').slice(0, -1);
    this.subjectTemplate = `${prefix.replace(`.${this.deps.domain}.`, '.{domain}.')}{agentId}`;
    this.subscription = this.deps.nc.subscribe(`${prefix}*`, {
      callback: (error, msg) => {
        if (error) return;
        const agentId = msg.subject.slice(prefix.length);
        let events: AgentEvent[];
        try {
          events = agentEventsOf(msg.data);
        } catch (cause) {
          this.deps.logger.warn({ err: cause, agentId }, 'undecodable agent notification dropped');
          return;
        }
        for (const { event, traceContext } of events) {
          // A router before AgentNotification sent one event per message, its trace in the headers.
          const carried = extractFromTraceCarrier(traceContext, ROOT_CONTEXT);
          this.hear(agentId, msg.subject, event, carried === ROOT_CONTEXT ? extractFromNatsHeaders(msg.headers, ROOT_CONTEXT) : carried);
        }
      },
    });
    await this.deps.nc.flush();
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** Takes one event for an agent in hand: handled after the agent's events before it, in its trace. */
  private hear(agentId: string, subject: string, event: RoutingEvent, ctx: Context): void {
    this.traces.heard(event, ctx === ROOT_CONTEXT ? undefined : ctx);
    const previous = this.chains.get(agentId) ?? Promise.resolve();
    const next = previous.then(() => withNatsProcessSpan(tracer, {
      subject, subjectTemplate: this.subjectTemplate, parent: ctx,
      attributes: { 'switchboard.contact.id': event.contactId, 'switchboard.agent.id': agentId },
    }, () => this.handle(agentId, event))).catch((cause: unknown) => {
      this.deps.logger.warn({ err: cause, agentId, contactId: event.contactId }, 'agent event not handled');
    });
    this.chains.set(agentId, next);
    void next.finally(() => { if (this.chains.get(agentId) === next) this.chains.delete(agentId); });
  }

  /** The trace of a contact this gateway delivered, so a desk's accept or complete joins it. */
  traceOf(contactId: string): Context | undefined {
    return this.traces.get(contactId);
  }

  /**
   * What the hub holds: agents with a listener (open desk streams, team watchers), agents with
   * events in hand, contacts with a trace context. Each follows live state (tests, metrics).
   */
  sizes(): { listenedAgents: number; eventChains: number; tracedContacts: number } {
    return { listenedAgents: this.listeners.size, eventChains: this.chains.size, tracedContacts: this.traces.size };
  }

  /** Registers a listener for one agent; returns the function that removes it. */
  listen(agentId: string, listener: DeskListener): () => void {
    let set = this.listeners.get(agentId);
    if (!set) this.listeners.set(agentId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(agentId) === set) this.listeners.delete(agentId);
    };
  }

  /**
   * Builds the Offer message of a ContactOffered event (router contact query + context). Without a
   * separate context lookup, the router's contact query answers both in one round trip.
   */
  async offerMessage(event: RoutingEvent): Promise<ConnectResponse | undefined> {
    const lookup = this.deps.context;
    const { view, context } = lookup
      ? { view: await this.deps.router.contact(event.contactId), context: undefined }
      : await this.deps.router.contactWithContext(event.contactId);
    if (view === undefined || view.offerToken !== event.offered?.reservationToken) return undefined; // already gone
    const found = lookup ? await lookup(event.contactId).catch(() => undefined) : context;
    return { offer: offerOf(event, contactToProto(view, found)) };
  }

  private async handle(agentId: string, event: RoutingEvent): Promise<void> {
    for (const l of this.listeners.get(agentId) ?? []) l.event?.(event);
    if (!event.offered) return this.handleChange(agentId, event);
    const hasSession = (await this.deps.sessions.get(agentId)) !== undefined;
    if (!hasSession && !this.listeners.get(agentId)?.size) return;
    const message = await this.offerMessage(event);
    if (message?.offer === undefined) return;
    if (hasSession) await this.deps.sessions.putOffer(agentId, message.offer);
    // Listeners are read again after the awaits: a desk that connected meanwhile either is among
    // them now or read the stored offer when it connected (it drops a second copy).
    for (const l of this.listeners.get(agentId) ?? []) l.send(message);
  }

  /**
   * Any event but an offer: withdrawals and state changes go to the agent's listeners, and an
   * offer the event closes is dropped from the stored ones. No session read is needed: dropping an
   * offer that is not stored (no session, or closed meanwhile) changes nothing. Whether the desk
   * still holds an offer of the contact matters only for a transfer (does it need a withdrawal?).
   */
  private async handleChange(agentId: string, event: RoutingEvent): Promise<void> {
    const open = event.transferred !== undefined && (await this.deps.sessions.offers(agentId)).some((o) => o.contact?.id === event.contactId);
    const update = deskUpdateOf(event, open);
    if (update.closesOffer) await this.deps.sessions.dropOffer(agentId, update.closesOffer);
    for (const message of update.messages) for (const l of this.listeners.get(agentId) ?? []) l.send(message);
  }
}

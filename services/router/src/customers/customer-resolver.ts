import type { Contact } from '@switchboard/contracts';
import type { RoutingEvent } from '@switchboard/routing-core';
import type { CustomerFact, CustomerStore, IdentifierKind, ResolvedCustomer } from '@switchboard/state';
import type { Logger } from 'pino';
import { channelOf } from '../mapping/contact.mapper.js';
import { endsContact, factOf } from './customer-facts.js';
import { identifiersOf } from './identifiers.js';

/** Redis did not answer the resolution; the contact is retried (nothing is routed without it). */
export class CustomerResolveError extends Error {
  override readonly name = 'CustomerResolveError';
}

export interface CustomerResolverDeps {
  readonly store: CustomerStore;
  readonly rules: ReadonlySet<IdentifierKind>;
  readonly clock: () => number;
  readonly logger: Logger;
  /** The customer key of a live contact (engine state), for contacts identified before a takeover. */
  readonly liveCustomerOf: (contactId: string) => string | undefined;
  /** Facts held at most before the oldest are dropped (a history entry then lacks its outcome). */
  readonly maxFacts?: number;
  /** How often facts are written when no arrival carries them (ms). */
  readonly factFlushMs?: number;
}

interface Waiting {
  readonly contact: Contact;
  readonly queueId: string;
  resolve(value: ResolvedCustomer): void;
  reject(error: unknown): void;
}

/**
 * Resolves arriving contacts to customers in batches: every arrival delivered in one turn of the
 * event loop goes to Redis in one script (`CustomerStore.resolve`), together with the facts
 * (agent, outcome) of earlier contacts that committed since; so identity adds at most one round
 * trip per batch of arrivals, and facts ride along. Facts also go out on a timer when no
 * arrival comes. Memory: the waiting arrivals, at most `maxFacts` facts, and the customer key of
 * each live identified contact.
 */
export class CustomerResolver {
  private waiting: Waiting[] = [];
  private facts: CustomerFact[] = [];
  private readonly customerOf = new Map<string, string>();
  private running = false;
  private scheduled = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: CustomerResolverDeps) {
    this.timer = setInterval(() => { if (this.facts.length > 0) this.schedule(); }, deps.factFlushMs ?? 1_000);
    this.timer.unref();
  }

  /** The contact's customer and their recent contacts; undefined when the contact carries no identifier the rules link on. */
  async resolve(contact: Contact, queueId: string): Promise<ResolvedCustomer | undefined> {
    if (identifiersOf(contact, this.deps.rules).length === 0) return undefined;
    if (this.stopped) throw new CustomerResolveError('resolver stopped');
    return new Promise((resolve, reject) => {
      this.waiting.push({ contact, queueId, resolve, reject });
      this.schedule();
    });
  }

  /** Committed events: remembers identified contacts' customers and queues their facts. */
  observe(events: readonly RoutingEvent[]): void {
    for (const event of events) {
      if (event.type === 'CustomerIdentified') {
        this.customerOf.set(event.contactId, event.customerKey);
        continue;
      }
      if (!('contactId' in event)) continue;
      const key = this.customerOf.get(event.contactId) ?? this.deps.liveCustomerOf(event.contactId);
      if (key === undefined) continue;
      const fact = factOf(event, key);
      if (fact) this.addFact(fact);
      if (endsContact(event)) this.customerOf.delete(event.contactId);
      else this.customerOf.set(event.contactId, key);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const w of this.waiting.splice(0)) w.reject(new CustomerResolveError('resolver stopped'));
  }

  private addFact(fact: CustomerFact): void {
    this.facts.push(fact);
    const max = this.deps.maxFacts ?? 10_000;
    if (this.facts.length > max) {
      this.facts.splice(0, this.facts.length - max);
      this.deps.logger.warn({ max }, 'customer facts dropped: redis behind');
    }
  }

  /** After the current turn's deliveries (setImmediate), so one script takes them all. */
  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      while (!this.stopped && (this.waiting.length > 0 || this.facts.length > 0)) await this.flush(this.waiting.splice(0, 512), this.facts.splice(0));
    } finally {
      this.running = false;
    }
  }

  private async flush(batch: Waiting[], facts: CustomerFact[]): Promise<void> {
    const now = this.deps.clock();
    const arrivals = batch.map((w) => ({
      entry: { id: w.contact.id, channel: channelOf(w.contact.channel), queueId: w.queueId, at: w.contact.receivedAt?.getTime() ?? now },
      identifiers: identifiersOf(w.contact, this.deps.rules),
    }));
    try {
      const resolved = await this.deps.store.resolve(arrivals, facts, now);
      batch.forEach((w, i) => w.resolve(resolved[i]!));
    } catch (error) {
      this.deps.logger.warn({ err: error, arrivals: batch.length, facts: facts.length }, 'customer resolution failed');
      // Facts are kept for the next try (bounded); arrivals are redelivered by their consumer.
      this.facts.unshift(...facts);
      this.facts.splice(this.deps.maxFacts ?? 10_000);
      for (const w of batch) w.reject(new CustomerResolveError(`customer store: ${(error as Error).message}`));
      if (batch.length === 0) await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

import type { NatsConnection, Subscription } from 'nats';
import { agentEventsOf } from '@switchboard/router-api';
import { signedCommand } from './bench-signer.js';

/**
 * Agents for throughput benchmarks: they accept every offer and complete it at once, over the
 * router's NATS API, with as many requests in flight as there are offers. One wildcard
 * subscription per domain keeps the client side cheap.
 */
export class BenchAgents {
  completed = 0;
  /** Notification messages the desks heard, and the events in them (one message per agent and ROUTING batch). */
  deskMessages = 0;
  deskEvents = 0;
  /** Commands the router refused or never answered, by contact: a stalled run says which and why. */
  readonly failures = new Map<string, string>();
  /** Contacts offered and not yet completed (bounded by the contacts in flight). */
  readonly inFlight = new Set<string>();
  private readonly subs: Subscription[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly nc: NatsConnection, private readonly root: string) {}

  async signIn(domain: string, agents: number, capacity: Record<string, number>): Promise<void> {
    this.subs.push(this.nc.subscribe(`${this.root}.agent.${domain}.*`, {
      callback: (error, msg) => {
        if (error) return;
        this.deskMessages++;
        for (const { event } of agentEventsOf(msg.data)) {
          this.deskEvents++;
          if (event.offered) void this.answer(domain, event.agentId, event.contactId, event.offered.reservationToken);
        }
      },
    }));
    await this.nc.flush();
    await Promise.all(Array.from({ length: agents }, (_, i) => this.command(domain, `sign-in-${domain}-${i}`, {
      type: 'SIGN_IN', agent: { id: `a${i}`, skills: {}, languages: [], team: 'bench', capacity, queues: [{ queueId: 'general', priority: 1 }] },
    })));
  }

  /** Resolves when `count` contacts have been completed. */
  completedAtLeast(count: number): Promise<void> {
    if (this.completed >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  stop(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }

  private async answer(domain: string, agentId: string, contactId: string, offerToken: number): Promise<void> {
    this.inFlight.add(contactId);
    if (!(await this.command(domain, `${contactId}:accept`, { type: 'ACCEPT', contactId, agentId, offerToken }))) return;
    if (!(await this.command(domain, `${contactId}:complete`, { type: 'COMPLETE', contactId, agentId, disposition: 'done' }))) return;
    this.inFlight.delete(contactId);
    this.completed++;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.completed >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /** What the router holds of a contact now (for a stalled run's report). */
  async contactState(domain: string, contactId: string): Promise<unknown> {
    const body = new TextEncoder().encode(JSON.stringify({ query: 'contact', contactId }));
    try {
      return JSON.parse(new TextDecoder().decode((await this.nc.request(`${this.root}.router.${domain}.query`, body, { timeout: 5_000 })).data));
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  private async command(domain: string, id: string, command: Record<string, unknown>): Promise<boolean> {
    const body = new TextEncoder().encode(JSON.stringify({ id, command }));
    let last = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const subject = `${this.root}.router.${domain}.cmd`;
        const reply = JSON.parse(new TextDecoder().decode((await this.nc.request(subject, body, { timeout: 10_000, ...signedCommand(subject, body) })).data)) as { ok: boolean; code?: string; message?: string };
        if (reply.ok) return true;
        last = `${reply.code ?? ''}: ${reply.message ?? ''}`;
        if (reply.code !== 'UNAVAILABLE') break;
      } catch (error) {
        // no responder yet or a timeout: retry with the same id (idempotent)
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (typeof command.contactId === 'string') this.failures.set(command.contactId, `${String(command.type)} ${id}: ${last}`);
    return false;
  }
}

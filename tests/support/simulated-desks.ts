import type { NatsConnection, Subscription } from 'nats';
import { RoutingEvent } from '@switchboard/contracts';
import { agentEventsOf, CommandSigner } from '@switchboard/router-api';
import { testCommandKeyEnv } from '@switchboard/testkit';
import { agentSubject, type BusNames } from '@switchboard/bus';

export interface DeskOptions {
  readonly domain: string;
  readonly names: BusNames;
  readonly agents: number;
  readonly prefix?: string;
  readonly capacity?: Record<string, number>;
  readonly queues?: { queueId: string; priority: number }[];
  /** How long a simulated conversation lasts. */
  readonly handleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Agent desktops simulated over the router's command API: they sign in, accept every offer,
 * complete after `handleMs`, and go back to AVAILABLE if the router set them away. Every command
 * carries a request id and is retried until recorded, as a real desktop's gateway would.
 */
export class SimulatedDesks {
  /** When each contact was first offered to one of these desks. */
  readonly firstOfferAt = new Map<string, number>();
  lastOfferAt = 0;
  /** Contacts these desks completed (the router recorded the COMPLETE). */
  readonly completed = new Set<string>();
  private readonly subs: Subscription[] = [];
  /** Desks talk to the router directly here, signing as the operator with the test keys. */
  private readonly signer = CommandSigner.fromEnv('operator', testCommandKeyEnv());
  private closed = false;
  private seq = 0;

  constructor(private readonly nc: NatsConnection, private readonly options: DeskOptions) {}

  agentIds(): string[] {
    return Array.from({ length: this.options.agents }, (_, i) => `${this.options.prefix ?? 'agent'}-${i}`);
  }

  async start(): Promise<void> {
    for (const id of this.agentIds()) {
      this.subs.push(this.nc.subscribe(agentSubject(this.options.names, this.options.domain, id), {
        callback: (error, msg) => { if (!error) for (const { event } of agentEventsOf(msg.data)) void this.onEvent(id, event); },
      }));
    }
    await this.nc.flush();
    await Promise.all(this.agentIds().map((id) => this.signIn(id)));
  }

  /** Signs an agent in (again); used at start and after the router lost its state. */
  async signIn(id: string): Promise<void> {
    await this.command({ type: 'SIGN_IN', agent: { id, skills: {}, languages: [], team: 'general',
      capacity: this.options.capacity ?? { chat: 2, phone: 1 }, queues: this.options.queues ?? [{ queueId: 'general', priority: 1 }] } });
  }

  stop(): void {
    this.closed = true;
    for (const sub of this.subs) sub.unsubscribe();
  }

  private async onEvent(agentId: string, event: RoutingEvent): Promise<void> {
    if (this.closed) return;
    if (event.offered) {
      this.lastOfferAt = Date.now();
      if (!this.firstOfferAt.has(event.contactId)) this.firstOfferAt.set(event.contactId, this.lastOfferAt);
      const ok = await this.command({ type: 'ACCEPT', contactId: event.contactId, agentId, offerToken: event.offered.reservationToken }, true);
      if (!ok) return;
      await sleep(this.options.handleMs ?? 5);
      if (await this.command({ type: 'COMPLETE', contactId: event.contactId, agentId, disposition: 'resolved' }, true)) this.completed.add(event.contactId);
    } else if (event.presenceChanged?.presence?.presence === 3 /* AWAY */) {
      await this.command({ type: 'SET_PRESENCE', agentId, presence: 'AVAILABLE' }, true);
    }
  }

  /**
   * Sends a command until the router records it. Returns false when the router refuses it for
   * good (a stale offer, say); `tolerant` commands do not throw then.
   */
  private async command(command: Record<string, unknown>, tolerant = false): Promise<boolean> {
    const id = `${this.options.prefix ?? 'agent'}-${process.pid}-${++this.seq}`;
    const subject = `${this.options.names.subjectRoot}.router.${this.options.domain}.cmd`;
    const body = new TextEncoder().encode(JSON.stringify({ id, command }));
    const deadline = Date.now() + 60_000;
    while (!this.closed && Date.now() < deadline) {
      try {
        const headers = this.signer.headers(subject, body);
        const reply = JSON.parse(new TextDecoder().decode((await this.nc.request(subject, body, { timeout: 3_000, headers })).data)) as { ok: boolean; code?: string; message?: string };
        if (reply.ok) return true;
        if (reply.code !== 'UNAVAILABLE') {
          if (tolerant) return false;
          throw new Error(`${String(command.type)} refused: ${reply.code} ${reply.message}`);
        }
      } catch (error) {
        if (error instanceof Error && error.message.includes('refused')) throw error;
      }
      await sleep(200);
    }
    return false;
  }
}

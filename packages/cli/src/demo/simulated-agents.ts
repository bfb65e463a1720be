import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from 'nats';
import { agentSubject, DEFAULT_BUS_NAMES, type BusNames } from '@switchboard/bus';
import { Channel, Presence, RoutingEvent } from '@switchboard/contracts';
import { agentEventsOf, RouterClient, type CommandSigner } from '@switchboard/router-api';
import type { AgentView, ContactView, RoutingCommand } from '@switchboard/routing-core';
import type { DemoAgent } from './roster.js';

/** How simulated people behave; times in milliseconds, scaled by `speed`. */
export interface AgentBehaviour {
  /** Share of offers turned down (wrong moment, on a break) — the rest are accepted. */
  readonly declineShare: number;
  /** Share of offers left to time out (RONA): someone away from the desk. */
  readonly missShare: number;
  /** 1 = real-ish times (calls of minutes); the demo uses ~10 so the screen moves. */
  readonly speed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/** A person's delay before accepting an offer, and their wrap-up pause after completing (ms, before `speed`). */
export const ACCEPT_DELAY_MS: [number, number] = [1_000, 6_000];
export const WRAP_UP_MS: [number, number] = [5_000, 20_000];

/** Talk/handle time ranges per channel in seconds, before `speed` (a call ~3 min, an email ~2). */
export const HANDLE_SECONDS: Record<number, [number, number]> = {
  [Channel.CHANNEL_PHONE]: [60, 300], [Channel.CHANNEL_CHAT]: [90, 400],
  [Channel.CHANNEL_WECHAT]: [90, 400], [Channel.CHANNEL_EMAIL]: [60, 200],
};

/**
 * People at desks, simulated over the router's NATS API (`RouterClient`), not the agent gateway:
 * the router API is the contract that exists in every build of the mesh, so the demo runs even
 * where the gateway is not deployed. Each agent signs in, hears its offers on
 * `sb.agent.<domain>.<agentId>`, accepts after a human delay (or declines, or misses), talks,
 * completes, ends wrap-up after a short pause, and comes back from AWAY after a break.
 */
export class SimulatedAgents {
  private readonly subscriptions: Subscription[] = [];
  private readonly client: RouterClient;
  private closed = false;
  private seq = 0;
  /** Names this run's command ids: a restarted demo (even with the same pid) never reuses an earlier run's. */
  private readonly runId = randomUUID().slice(0, 8);
  /** Counts for the demo's status line. */
  readonly counts = { offers: 0, accepted: 0, declined: 0, missed: 0, completed: 0 };

  constructor(private readonly nc: NatsConnection, private readonly domain: string, private readonly agents: readonly DemoAgent[],
    private readonly behaviour: AgentBehaviour, private readonly log: (message: string) => void, signer: CommandSigner,
    private readonly names: BusNames = DEFAULT_BUS_NAMES) {
    this.client = new RouterClient(nc, domain, names.subjectRoot, 3_000, signer);
  }

  /** Subscribes to every desk's offers, then signs everyone in. */
  async start(): Promise<void> {
    for (const agent of this.agents) {
      this.subscriptions.push(this.nc.subscribe(agentSubject(this.names, this.domain, agent.id), {
        callback: (error, msg) => { if (!error) for (const { event } of agentEventsOf(msg.data)) void this.onEvent(agent, event).catch(() => undefined); },
      }));
    }
    await this.nc.flush();
    for (const agent of this.agents) {
      await this.takeOverFromEarlierRun(agent.id);
      await this.send({ type: 'SIGN_IN', agent: { ...agent, skills: { ...agent.skills }, languages: [...agent.languages], capacity: { ...agent.capacity }, queues: [...agent.queues] } });
    }
    this.log(`${this.agents.length} agents signed in (teams ${[...new Set(this.agents.map((a) => a.team))].join(', ')}) over the router API`);
  }

  /**
   * A demo started again finds its agents still signed in with the earlier run's work (the router
   * keeps them, as after a desk crash). Nobody holds that work any more: the earlier run's calls
   * ended with its simulated telephony, so they are ended as their platform would end them, and
   * signing the agent out sends their chats, WeChat and email back to their queues at their places
   * for this run's agents to serve. No agent stays busy with a contact nobody holds.
   */
  private async takeOverFromEarlierRun(agentId: string): Promise<void> {
    const reply = await this.client.query({ query: 'agent', agentId }).catch(() => undefined);
    const agent = (reply?.ok ? reply['agent'] : undefined) as AgentView | undefined;
    if (agent === undefined || agent.presence === 'OFFLINE') return;
    for (const contactId of agent.contactIds) {
      const found = await this.client.query({ query: 'contact', contactId }).catch(() => undefined);
      const contact = (found?.ok ? found['contact'] : undefined) as ContactView | undefined;
      if (contact?.channel === 'phone' && contact.state === 'CONNECTED') {
        await this.send({ type: 'COMPLETE', contactId, agentId, disposition: 'ended-on-channel', endedOnChannel: true, by: 'demo' });
      }
    }
    await this.send({ type: 'SIGN_OUT', agentId, by: 'demo' });
  }

  /** Stops reacting; agents stay signed in (the router keeps them, as after a desk crash). */
  stop(): void {
    this.closed = true;
    for (const sub of this.subscriptions) sub.unsubscribe();
  }

  private async onEvent(agent: DemoAgent, event: RoutingEvent): Promise<void> {
    if (this.closed) return;
    const speed = this.behaviour.speed;
    if (event.offered) {
      this.counts.offers += 1;
      const roll = Math.random();
      if (roll < this.behaviour.missShare) { this.counts.missed += 1; return; }
      await sleep(between(...ACCEPT_DELAY_MS) / speed);
      const offerToken = event.offered.reservationToken;
      if (roll < this.behaviour.missShare + this.behaviour.declineShare) {
        this.counts.declined += 1;
        await this.send({ type: 'DECLINE', contactId: event.contactId, agentId: agent.id, offerToken, reason: 'finishing notes' });
        return;
      }
      if (!(await this.send({ type: 'ACCEPT', contactId: event.contactId, agentId: agent.id, offerToken }))) return;
      this.counts.accepted += 1;
      const [min, max] = HANDLE_SECONDS[event.channel] ?? [60, 240];
      await sleep((between(min, max) * 1_000) / speed);
      // About three in four resolved at once (a typical FCR); the rest need a follow-up.
      const resolved = Math.random() < 0.75;
      if (!(await this.send({ type: 'COMPLETE', contactId: event.contactId, agentId: agent.id, disposition: resolved ? 'resolved' : 'follow-up',
        resolvedFirstContact: resolved, ...(resolved ? {} : { notes: 'customer to send the order number' }) }))) return;
      this.counts.completed += 1;
      await sleep(between(...WRAP_UP_MS) / speed);
      await this.send({ type: 'END_WRAP_UP', contactId: event.contactId, agentId: agent.id });
    } else if (event.presenceChanged?.presence?.presence === Presence.PRESENCE_AWAY) {
      await sleep(between(20_000, 60_000) / speed); // a short break after missed offers
      await this.send({ type: 'SET_PRESENCE', agentId: agent.id, presence: 'AVAILABLE' });
    }
  }

  /** Sends a command with an idempotency id, retrying while the router is not reachable. */
  private async send(command: RoutingCommand): Promise<boolean> {
    const id = `demo-${this.runId}-${++this.seq}`;
    for (let attempt = 0; attempt < 20 && !this.closed; attempt++) {
      try {
        const reply = await this.client.command(command, id);
        if (reply.ok) return true;
        if (reply.code !== 'UNAVAILABLE') return false; // stale offer, ended contact: a person would shrug
      } catch {
        // no router answered (starting, failing over): try again shortly
      }
      await sleep(500);
    }
    return false;
  }
}

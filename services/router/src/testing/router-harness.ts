import pino, { type Logger } from 'pino';
import { Channel, Contact, ContactRecord, ContactUpdate, CustomerTier, RoutingEvent as ProtoEvent, type ContactUpdateKind } from '@switchboard/contracts';
import { agentSubject, contactsSubject, ensureStreams, publishDurable, type BusNames } from '@switchboard/bus';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { AgentProfile } from '@switchboard/routing-core';
import type { Subscription } from 'nats';
import { agentEventsOf, CommandSigner, CommandVerifier, RouterClient } from '@switchboard/router-api';
import type { Registry } from '@switchboard/metrics';
import type { RedisSettings } from '@switchboard/state';
import { ruleSetFrom } from '../rules/classify.js';
import { startRouter, type RunningRouter } from '../start-router.js';
import type { CustomerSettings } from '../replica.js';

const CHANNEL = { phone: Channel.CHANNEL_PHONE, email: Channel.CHANNEL_EMAIL, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT } as const;

/** A contact as a test publishes it. */
export interface TestContact {
  id: string;
  channel?: keyof typeof CHANNEL;
  tier?: 'STANDARD' | 'VIP';
  intent?: string;
  language?: string;
  priority?: number;
  receivedAtMs?: number;
  /** The caller's E.164 number (a customer identifier). */
  phone?: string;
}

/** One test's router on real NATS and Redis, with unique stream names and keys. */
export class RouterHarness {
  readonly routers: RunningRouter[] = [];
  private readonly subscriptions: Subscription[] = [];

  private constructor(readonly scope: TestScope, readonly names: BusNames, readonly nats: TestNats, readonly redis: TestRedis,
    readonly rules: unknown, readonly client: RouterClient) {}

  static async create(rules: unknown, label = 'router'): Promise<RouterHarness> {
    const scope = createTestScope(label);
    const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    const nats = await connectTestNats(scope);
    const redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    // The test's commands are the operator's, signed with the test process's keys (testkit).
    const client = new RouterClient(nats.nc, scope.domain, names.subjectRoot, 5_000, CommandSigner.fromEnv('operator', testCommandKeyEnv()));
    return new RouterHarness(scope, names, nats, redis, rules, client);
  }

  get domain(): string {
    return this.scope.domain;
  }

  /** Starts a router replica in this process and waits until some replica owns the domain. */
  async startRouter(options: { leaseTtlMs?: number; clock?: () => number; redisUrl?: string; redisSettings?: RedisSettings; natsUrl?: string; metrics?: Registry; logger?: Logger;
    customers?: CustomerSettings } = {}): Promise<RunningRouter> {
    const router = await startRouter({
      natsUrl: options.natsUrl ?? this.nats.url, redisUrl: options.redisUrl ?? this.redis.url, domains: [this.domain],
      rules: ruleSetFrom(this.rules), logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), names: this.names,
      keyPrefix: this.scope.redisPrefix, leaseTtlMs: options.leaseTtlMs ?? 1_500, ackWaitMs: 2_000,
      commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.redisSettings ? { redisSettings: options.redisSettings } : {}),
      ...(options.customers ? { customers: options.customers } : {}),
    });
    this.routers.push(router);
    await this.waitForOwner();
    return router;
  }

  async waitForOwner(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.routers.some((r) => r.replica.ownedDomains().includes(this.domain))) {
      if (Date.now() > deadline) throw new Error('no router replica took the domain');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until every relayed record is on ROUTING (the outbox is empty) and CONTACTS is fully acked. */
  async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const outbox = await this.redis.redis.xlen(`${this.scope.redisPrefix}{d:${this.domain}}:outbox`);
      const consumer = await this.nats.jsm.consumers.info(this.names.contactsStream, `router-${this.domain}`).catch(() => undefined);
      if (outbox === 0 && consumer && consumer.num_ack_pending === 0 && consumer.num_pending === 0) return;
      if (Date.now() > deadline) throw new Error(`not settled: outbox ${outbox}, consumer ${JSON.stringify(consumer?.num_pending)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Publishes a contact to CONTACTS as an ingestion service would. */
  async publishContact(c: TestContact, msgId = c.id): Promise<void> {
    const contact = Contact.fromPartial({
      id: c.id, channel: CHANNEL[c.channel ?? 'phone'], domain: this.domain, intent: c.intent ?? '', priority: c.priority ?? 0,
      customer: { id: `cust-${c.id}`, tier: c.tier === 'VIP' ? CustomerTier.CUSTOMER_TIER_VIP_GOLD : CustomerTier.CUSTOMER_TIER_STANDARD, language: c.language ?? '', phoneNumber: c.phone ?? '' },
      receivedAt: new Date(c.receivedAtMs ?? Date.now()),
    });
    const subject = contactsSubject(this.names, this.domain, c.channel ?? 'phone');
    await publishDurable(this.nats.js, subject, ContactRecord.encode({ arrived: contact }).finish(), { msgId, expectStream: this.names.contactsStream });
  }

  /** Publishes a platform's update of a contact (ended, abandoned, …) to CONTACTS as an ingestion service would. */
  async publishUpdate(contactId: string, kind: ContactUpdateKind, channel: NonNullable<TestContact['channel']> = 'phone'): Promise<void> {
    const subject = contactsSubject(this.names, this.domain, channel);
    const update = ContactUpdate.fromPartial({ contactId, domain: this.domain, channel: CHANNEL[channel], kind, occurredAt: new Date() });
    await publishDurable(this.nats.js, subject, ContactRecord.encode({ update }).finish(),
      { msgId: `update:${contactId}:${kind}`, expectStream: this.names.contactsStream });
  }

  /** Signs an agent in through the command API. */
  async signIn(agent: Partial<AgentProfile> & { id: string }): Promise<void> {
    const reply = await this.client.command({ type: 'SIGN_IN', agent: {
      skills: {}, languages: [], team: 'general', capacity: { phone: 1, chat: 3, email: 5, wechat: 3 }, queues: [{ queueId: 'general', priority: 1 }], ...agent,
    } });
    if (!reply.ok) throw new Error(`sign-in refused: ${reply.message}`);
  }

  /** Collects the events a desktop would receive for one agent. */
  desk(agentId: string): ProtoEvent[] {
    const events: ProtoEvent[] = [];
    const sub = this.nats.nc.subscribe(agentSubject(this.names, this.domain, agentId), {
      callback: (error, msg) => { if (!error) for (const { event } of agentEventsOf(msg.data)) events.push(event); },
    });
    this.subscriptions.push(sub);
    return events;
  }

  async close(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.all(this.routers.map((r) => r.stop().catch(() => undefined)));
    await this.redis.cleanup();
    await this.nats.cleanup();
  }
}

/** A rules file for tests: one general PRIORITY queue, one VIP queue, one skilled queue with rings. */
export function testRules(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 'test-1',
    queues: [
      { id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
        offerTimeoutSeconds: 2, wrapUpSeconds: 0.2, missesBeforeAway: 2, agingRatePerSecond: 0 },
      { id: 'vip', kind: 'VIP', serviceLevel: { share: 0.9, withinSeconds: 10 }, strategy: 'LONGEST_IDLE',
        offerTimeoutSeconds: 2, wrapUpSeconds: 0.2, missesBeforeAway: 2 },
      { id: 'short', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
        offerTimeoutSeconds: 2, wrapUpSeconds: 0.2, missesBeforeAway: 2, maxWaitSeconds: 1 },
      { id: 'billing', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'BEST_PROFICIENCY',
        requiredSkills: [{ skill: 'billing', minProficiency: 4 }], rings: [{ afterSeconds: 1, proficiencyDrop: 2 }],
        offerTimeoutSeconds: 2, wrapUpSeconds: 0.2, missesBeforeAway: 2, overflow: { targetQueueId: 'general', afterSeconds: 3 } },
    ],
    rules: [
      { name: 'vip', match: { tier: ['VIP1', 'VIP2', 'VIP3'] }, route: { queue: 'vip', priority: 10 } },
      { name: 'impatient', match: { intent: ['callback'] }, route: { queue: 'short', priority: 0 } },
      { name: 'billing', match: { intent: ['billing'] }, route: { queue: 'billing', priority: 0 } },
    ],
    fallback: { queue: 'general', priority: 0 },
    ...overrides,
  };
}

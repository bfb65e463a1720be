import type { Redis } from 'ioredis';
import type { Subscription } from 'nats';
import { CustomerStore, DomainStore, newEpochId, type CustomerRetention, type IdentifierKind, type Lease } from '@switchboard/state';
import type { DurableConsumer } from '@switchboard/bus';
import type { RuleSet } from './rules/classify.js';
import { consumeContacts } from './inputs/contacts-consumer.js';
import type { CommandVerifier } from '@switchboard/router-api';
import { serveCommandApi } from './inputs/command-api.js';
import { startTimerLoop, type TimerLoop } from './inputs/timer-loop.js';
import { openDomain } from './worker/open-domain.js';
import { DomainFollower } from './worker/domain-follower.js';
import type { DomainWorker, WorkerDeps } from './worker/domain-worker.js';
import { CustomerResolver } from './customers/customer-resolver.js';

/** One customer across channels: the HMAC secret of identifiers, the linking rules, the retention. */
export interface CustomerSettings {
  readonly secret: string;
  readonly rules: ReadonlySet<IdentifierKind>;
  readonly retention?: CustomerRetention;
}

export interface ReplicaOptions {
  readonly replicaId: string;
  readonly domains: readonly string[];
  readonly rules: RuleSet;
  readonly redis: Redis;
  /** Redis key prefix (`sb:`); tests pass their own. */
  readonly keyPrefix?: string;
  /** A lease not renewed for this long passes to another replica (failover time). */
  readonly leaseTtlMs?: number;
  readonly ackWaitMs?: number;
  readonly timerPollMs?: number;
  readonly deps: Omit<WorkerDeps, 'store'>;
  /** Whose commands the owned domains take (signed senders, each to its allowed kinds). */
  readonly commandVerifier: CommandVerifier;
  /** Customer identity (main reads `CUSTOMER_KEY_SECRET`, `CUSTOMER_LINK_RULES`); off without it. */
  readonly customers?: CustomerSettings;
}

interface Owned {
  readonly worker: DomainWorker;
  readonly customers?: CustomerResolver;
  readonly consumer: DurableConsumer;
  readonly subscriptions: Subscription[];
  readonly timers: TimerLoop;
}

/**
 * One router process. Each routing domain is owned by one replica at a time through a fenced
 * Redis lease; the others stand by and take over when the lease lapses. Domains spread over
 * replicas: a replica holds at most its fair share while others are alive.
 */
export class RouterReplica {
  private readonly owned = new Map<string, Owned>();
  private readonly leases = new Map<string, Lease>();
  /** Domains another replica owns, followed for a quick takeover (see DomainFollower). */
  private readonly followers = new Map<string, DomainFollower>();
  private ticking = false;
  private interval: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: ReplicaOptions) {}

  get ttlMs(): number {
    return this.options.leaseTtlMs ?? 3_000;
  }

  /** Domains this replica routes now. */
  ownedDomains(): string[] {
    return [...this.owned.keys()];
  }

  /** The log position this replica has followed each domain another one owns up to (see DomainFollower). */
  followedPositions(): Record<string, number> {
    const positions: Record<string, number> = {};
    for (const [domain, follower] of this.followers) if (follower.position !== undefined) positions[domain] = follower.position;
    return positions;
  }

  /** Workers of the owned domains (metrics sample their engines). */
  workers(): DomainWorker[] {
    return [...this.owned.values()].map((owned) => owned.worker);
  }


  async start(): Promise<void> {
    await this.tick();
    // Ticks at a tenth of the lease: a dead owner's lease then lapses 0.9–1 TTL after its death and
    // a standby takes it within a tick of that, so failover takes about one TTL, every time (at a
    // third, it took anywhere from 0.67 to 1.33 TTL). A tick is a few Redis calls.
    this.interval = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.ttlMs / 10)));
  }

  /** Stops routing: hands every domain back (lease released) so another replica takes over at once. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.interval) clearInterval(this.interval);
    await Promise.all([...this.followers.values()].map((follower) => follower.idle()));
    this.followers.clear();
    await Promise.all([...this.owned.keys()].map((domain) => this.release(domain, 'shutting down')));
    // Leave the fair-share count at once, so the remaining replicas take our domains right away.
    await this.options.redis.zrem(this.replicasKey(), this.options.replicaId).catch(() => undefined);
  }

  private store(domain: string): DomainStore {
    return new DomainStore(this.options.redis, domain, this.options.keyPrefix);
  }

  private async tick(): Promise<void> {
    // One tick at a time: a slow Redis must not stack renewals on top of each other.
    if (this.closing || this.ticking) return;
    this.ticking = true;
    try {
      await this.announce();
      // Every lease we hold is renewed first, including domains still rebuilding: a long rebuild
      // of one domain must never let another's lease (or its own) lapse.
      await Promise.all([...this.leases].map(([domain, lease]) => this.renew(domain, lease).catch((error: unknown) => {
        this.options.deps.logger.warn({ err: error, domain }, 'lease renewal failed');
      })));
      await this.shedExcess();
      for (const domain of this.options.domains) {
        if (this.leases.has(domain) || !(await this.wantsMore())) continue;
        const lease = await this.store(domain).acquire(this.options.replicaId, this.ttlMs, newEpochId(this.options.deps.clock())).catch(() => undefined);
        // Rebuilding runs beside the ticks, which keep renewing this lease meanwhile.
        if (lease) void this.open(domain, lease);
      }
      this.follow();
    } catch (error) {
      this.options.deps.logger.warn({ err: error }, 'lease upkeep failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Every domain this replica does not hold catches up with its owner's log, beside the ticks. */
  private follow(): void {
    for (const domain of this.options.domains) {
      if (this.leases.has(domain)) continue;
      let follower = this.followers.get(domain);
      if (!follower) {
        follower = new DomainFollower(domain, this.options.rules, { ...this.options.deps, store: this.store(domain) });
        this.followers.set(domain, follower);
      }
      void follower.catchUp();
    }
  }

  private async renew(domain: string, lease: Lease): Promise<void> {
    const owned = this.owned.get(domain);
    if (owned?.worker.stopped || !(await this.store(domain).renew(lease, this.ttlMs))) {
      await this.release(domain, owned?.worker.stopped ? 'worker stopped' : 'lease lost');
    }
  }

  private async open(domain: string, lease: Lease): Promise<void> {
    this.leases.set(domain, lease);
    const store = this.store(domain);
    const ref: { worker?: DomainWorker } = {};
    const customers = this.customerResolver(domain, ref);
    try {
      const deps = this.workerDeps(store, customers);
      const warm = await this.followers.get(domain)?.take(lease);
      this.followers.delete(domain);
      const worker = await openDomain(domain, lease, this.options.rules, deps, warm ? { warm } : {});
      ref.worker = worker;
      const consumer = await consumeContacts(worker, this.options.rules, deps, this.options.ackWaitMs, customers);
      const subscriptions = serveCommandApi(worker, deps, this.options.commandVerifier);
      await deps.nc.flush(); // the server knows our subscriptions before anyone is told we own the domain
      const owned = { worker, consumer, subscriptions, timers: startTimerLoop(worker, deps, this.options.timerPollMs), ...(customers ? { customers } : {}) };
      if (this.leases.get(domain) !== lease || this.closing) {
        // The lease lapsed (or we are closing) while rebuilding: this worker must not run.
        await this.teardown(domain, owned, 'lease lost while opening');
        return;
      }
      this.owned.set(domain, owned);
      this.options.deps.logger.info({ domain, token: lease.token }, 'domain owned');
    } catch (error) {
      customers?.stop();
      this.options.deps.logger.error({ err: error, domain }, 'could not open domain; releasing');
      if (this.leases.get(domain) === lease) this.leases.delete(domain);
      await store.release(lease).catch(() => undefined);
    }
  }

  /** The domain's customer resolver, when customer identity is on; it reads the worker's live state once open. */
  private customerResolver(domain: string, ref: { worker?: DomainWorker }): CustomerResolver | undefined {
    const settings = this.options.customers;
    if (!settings) return undefined;
    const store = new CustomerStore(this.options.redis, domain, settings.secret, this.options.keyPrefix, settings.retention);
    return new CustomerResolver({
      store, rules: settings.rules, clock: this.options.deps.clock, logger: this.options.deps.logger.child({ domain, component: 'customers' }),
      liveCustomerOf: (id) => ref.worker?.live.contact(id)?.customerKey,
    });
  }

  /** The worker's deps: its store, and its committed events told to the customer resolver too. */
  private workerDeps(store: DomainStore, customers: CustomerResolver | undefined): WorkerDeps {
    const base = this.options.deps;
    if (!customers) return { ...base, store };
    return { ...base, store, observe: (worker, events) => { base.observe?.(worker, events); customers.observe(events); } };
  }

  private async release(domain: string, reason: string): Promise<void> {
    const owned = this.owned.get(domain);
    const lease = this.leases.get(domain);
    this.owned.delete(domain);
    this.leases.delete(domain);
    if (owned) await this.teardown(domain, owned, reason);
    if (lease) await this.store(domain).release(lease).catch(() => undefined);
  }

  /** Stops a worker and its inputs; their unfinished messages go back to JetStream for the next owner. */
  private async teardown(domain: string, owned: Owned, reason: string): Promise<void> {
    owned.worker.stop(reason);
    owned.customers?.stop();
    for (const sub of owned.subscriptions) sub.unsubscribe();
    await owned.timers.stop();
    await owned.consumer.stop().catch(() => undefined);
    this.options.deps.logger.warn({ domain, reason }, 'domain released');
  }


  private replicasKey(): string {
    return `${this.options.keyPrefix ?? 'sb:'}router:replicas`;
  }

  /** Heartbeat in a shared sorted set, so replicas can count each other for the fair share. */
  private async announce(): Promise<void> {
    const now = this.options.deps.clock();
    await this.options.redis.zadd(this.replicasKey(), now, this.options.replicaId);
    await this.options.redis.zremrangebyscore(this.replicasKey(), '-inf', String(now - 3 * this.ttlMs));
  }

  private async fairShare(): Promise<number> {
    const alive = Math.max(1, await this.options.redis.zcard(this.replicasKey()));
    return Math.ceil(this.options.domains.length / alive);
  }

  private async wantsMore(): Promise<boolean> {
    return this.leases.size < (await this.fairShare());
  }

  /**
   * Hands one domain back when more replicas joined than when we took it (one per tick: no
   * stampede). The hand-back runs beside the ticks: stopping a worker waits for its consumer, and
   * the renewals of the domains we keep must not wait behind it.
   */
  private async shedExcess(): Promise<void> {
    if (this.leases.size <= (await this.fairShare())) return;
    const domain = [...this.owned.keys()].pop();
    if (domain) {
      void this.release(domain, 'rebalancing to a newer replica').catch((error: unknown) => {
        this.options.deps.logger.warn({ err: error, domain }, 'domain hand-back failed');
      });
    }
  }
}

import type { Redis } from 'ioredis';
import { APPLY_AGENT_BUCKETS } from './agent-performance-script.js';

/** Counters to add to one agent's 15-minute bucket (field → amount). */
export interface AgentBucketCounters {
  readonly agentId: string;
  /** A multiple of 15 minutes (epoch ms). */
  readonly bucketStartMs: number;
  readonly tally: Readonly<Record<string, number>>;
}

/** Options of {@link AgentPerformanceStore}. */
export interface AgentPerformanceStoreOptions {
  readonly domain: string;
  /** Ops' key prefix (default `ops:`). */
  readonly keyPrefix?: string;
  /** Days the 15-minute buckets are kept after their day ends (default 35). */
  readonly quarterRetentionDays?: number;
  /** Days the daily buckets are kept after their day ends, and how long an agent stays listed (default 400). */
  readonly dayRetentionDays?: number;
}

const DAY_MS = 86_400_000;
const QUARTER_MS = 15 * 60_000;

/** Which buckets a read takes: 15-minute or daily (UTC days). */
export type AgentBucketResolution = 'quarter' | 'day';

/** Where the applied position and the open state stand. */
export interface AgentPerformanceCheckpoint {
  /** The ROUTING stream sequence applied last (0: none yet). */
  readonly seq: number;
  /** Open state per agent, as the fold saved it (JSON). */
  readonly open: ReadonlyMap<string, string>;
}

/**
 * Per-agent performance counters in Redis, under ops' prefix and the domain's hash tag:
 * `ap:q:<day>:<agent>` (a hash of the day's 96 quarter-hours, field `<quarter>:<counter>`,
 * kept {@link AgentPerformanceStoreOptions.quarterRetentionDays} days), `ap:d:<day>:<agent>`
 * (the day's totals, kept `dayRetentionDays`), `ap:agents` (agents by last activity, trimmed
 * past `dayRetentionDays`), `ap:open` (each live agent's open state) and `ap:seq` (the ROUTING
 * position applied last). A batch is applied once, atomically, in stream order: a replay or a
 * second ops replica applying the same position changes nothing.
 */
export class AgentPerformanceStore {
  private readonly base: string;
  private readonly quarterDays: number;
  private readonly dayDays: number;

  constructor(private readonly redis: Redis, options: AgentPerformanceStoreOptions) {
    this.base = `${options.keyPrefix ?? 'ops:'}{d:${options.domain}}:ap:`;
    this.quarterDays = options.quarterRetentionDays ?? 35;
    this.dayDays = options.dayRetentionDays ?? 400;
  }

  /** How long 15-minute buckets are kept, ms (reads older than this must ask for days). */
  get quarterRetentionMs(): number {
    return this.quarterDays * DAY_MS;
  }

  /** The position and open state to resume the fold from. */
  async checkpoint(): Promise<AgentPerformanceCheckpoint> {
    const [seq, open] = await Promise.all([this.redis.get(`${this.base}seq`), this.redis.hgetall(`${this.base}open`)]);
    return { seq: Number(seq ?? 0), open: new Map(Object.entries(open)) };
  }

  /**
   * Adds one ROUTING batch's counters and writes the changed open states (undefined: the agent
   * has nothing open), unless position `seq` or a later one was applied already.
   * @returns whether it was applied (false: already applied, by this or another replica).
   */
  async apply(seq: number, counters: readonly AgentBucketCounters[], open: ReadonlyMap<string, string | undefined>, nowMs: number): Promise<boolean> {
    const buckets = new Map<string, { expireAtMs: number; fields: Map<string, number> }>();
    const add = (key: string, expireAtMs: number, field: string, amount: number) => {
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { expireAtMs, fields: new Map() }));
      bucket.fields.set(field, (bucket.fields.get(field) ?? 0) + amount);
    };
    const lastSeen = new Map<string, number>();
    for (const c of counters) {
      const day = Math.floor(c.bucketStartMs / DAY_MS) * DAY_MS;
      const quarter = Math.floor((c.bucketStartMs - day) / QUARTER_MS);
      for (const [field, amount] of Object.entries(c.tally)) {
        if (!amount) continue;
        add(this.quarterKey(day, c.agentId), day + DAY_MS + this.quarterDays * DAY_MS, `${quarter}:${field}`, amount);
        add(this.dayKey(day, c.agentId), day + DAY_MS + this.dayDays * DAY_MS, field, amount);
      }
      lastSeen.set(c.agentId, Math.max(lastSeen.get(c.agentId) ?? 0, c.bucketStartMs));
    }
    const args: (string | number)[] = [seq, nowMs - this.dayDays * DAY_MS, open.size];
    for (const [agentId, json] of open) args.push(agentId, json ?? '');
    args.push(lastSeen.size);
    for (const [agentId, ms] of lastSeen) args.push(agentId, ms);
    for (const bucket of buckets.values()) {
      args.push(bucket.expireAtMs, bucket.fields.size);
      for (const [field, amount] of bucket.fields) args.push(field, amount);
    }
    const keys = [`${this.base}seq`, `${this.base}open`, `${this.base}agents`, ...buckets.keys()];
    return (await this.redis.eval(APPLY_AGENT_BUCKETS, keys.length, ...keys, ...args)) === 1;
  }

  /**
   * Starts the position over (ROUTING was re-created: its sequence numbers began again) and drops
   * the open state that went with the old stream; the counters already stored stay.
   */
  async rewind(open: Iterable<string>): Promise<void> {
    const agents = [...open];
    const tx = this.redis.multi().set(`${this.base}seq`, 0);
    if (agents.length > 0) tx.hdel(`${this.base}open`, ...agents);
    await tx.exec();
  }

  /** Agents with activity since `sinceMs` (bucket starts), sorted by id. */
  async agents(sinceMs: number): Promise<string[]> {
    return (await this.redis.zrangebyscore(`${this.base}agents`, Math.floor(sinceMs / QUARTER_MS) * QUARTER_MS, '+inf')).sort();
  }

  /**
   * The stored buckets of `agentIds` whose start lies in [fromMs, toMs) — 15-minute ones, or
   * daily ones (start at UTC midnight; buckets past their retention are simply absent) — and the
   * open state, read in one transaction so a batch applied meanwhile is seen in both or neither.
   */
  async read(agentIds: readonly string[], fromMs: number, toMs: number, resolution: AgentBucketResolution): Promise<{ buckets: AgentBucketCounters[]; open: ReadonlyMap<string, string> }> {
    const reads: { agentId: string; day: number }[] = [];
    for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) for (const agentId of agentIds) reads.push({ agentId, day });
    const tx = this.redis.multi();
    for (const r of reads) tx.hgetall(resolution === 'day' ? this.dayKey(r.day, r.agentId) : this.quarterKey(r.day, r.agentId));
    tx.hgetall(`${this.base}open`);
    const results = (await tx.exec()) ?? [];
    const value = (i: number): Record<string, string> => {
      const [error, fields] = results[i] ?? [];
      if (error) throw error;
      return (fields ?? {}) as Record<string, string>;
    };
    const buckets: AgentBucketCounters[] = [];
    reads.forEach((r, i) => {
      for (const bucket of parseBuckets(value(i), r.day, resolution)) {
        if (bucket.startMs >= fromMs && bucket.startMs < toMs) buckets.push({ agentId: r.agentId, bucketStartMs: bucket.startMs, tally: bucket.tally });
      }
    });
    return { buckets, open: new Map(Object.entries(value(reads.length))) };
  }

  private quarterKey(day: number, agentId: string): string {
    return `${this.base}q:${day}:${agentId}`;
  }

  private dayKey(day: number, agentId: string): string {
    return `${this.base}d:${day}:${agentId}`;
  }
}

/** A stored hash to buckets: daily fields are counters; quarter fields are `<quarter>:<counter>`. */
function parseBuckets(fields: Record<string, string>, day: number, resolution: AgentBucketResolution): { startMs: number; tally: Record<string, number> }[] {
  if (resolution === 'day') return Object.keys(fields).length === 0 ? [] : [{ startMs: day, tally: numbers(Object.entries(fields)) }];
  const byQuarter = new Map<number, [string, string][]>();
  for (const [name, value] of Object.entries(fields)) {
    const colon = name.indexOf(':');
    const quarter = Number(name.slice(0, colon));
    if (!byQuarter.has(quarter)) byQuarter.set(quarter, []);
    byQuarter.get(quarter)!.push([name.slice(colon + 1), value]);
  }
  return [...byQuarter].map(([quarter, entries]) => ({ startMs: day + quarter * QUARTER_MS, tally: numbers(entries) }));
}

function numbers(entries: readonly [string, string][]): Record<string, number> {
  return Object.fromEntries(entries.map(([k, v]) => [k, Number(v)]));
}

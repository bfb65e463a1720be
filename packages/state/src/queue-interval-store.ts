import type { Redis } from 'ioredis';

/** Days of 15-minute buckets kept: four weeks of same-weekday history plus a week of slack. */
export const QUEUE_INTERVAL_RETENTION_DAYS = 35;
/** Seconds a batch's "already counted" mark lives: far past the longest redelivery (20 tries, ≤ 15 s backoff, 10 s ack wait). */
export const COUNTED_BATCH_TTL_SECONDS = 3_600;

const DAY_MS = 86_400_000;
const INTERVAL_MS = 15 * 60_000;
const BATCH_BLOCK = 4_096;

/** What one event adds to a queue's bucket: its channel, interval start (epoch ms, a 15-minute boundary) and counters. */
export interface QueueIntervalDelta {
  readonly queueId: string;
  readonly channel: string;
  readonly intervalStartMs: number;
  readonly add: Readonly<Partial<Record<string, number>>>;
}

/** One stored bucket: counter name → value. */
export type QueueIntervalCounters = Readonly<Record<string, number>>;

/** Options of {@link QueueIntervalStore}. */
export interface QueueIntervalStoreOptions {
  readonly domain: string;
  /** Key prefix (default `ops:`, ops' own); tests use their own. */
  readonly keyPrefix?: string;
  readonly clock?: () => number;
}

/**
 * KEYS: counted-batches hash, meta hash, then the day hashes written. ARGV: batch position,
 * counted TTL (s), earliest event ms, one EXPIREAT per day key, then (day key index, field, increment)
 * triples. A batch already counted changes nothing (returns 0): the consumer is at-least-once.
 */
const APPLY_DELTAS = `
if redis.call('HSETNX', KEYS[1], ARGV[1], 1) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
local since = redis.call('HGET', KEYS[2], 'since')
if (not since) or tonumber(ARGV[3]) < tonumber(since) then redis.call('HSET', KEYS[2], 'since', ARGV[3]) end
local days = #KEYS - 2
for j = 4 + days, #ARGV, 3 do
  redis.call('HINCRBYFLOAT', KEYS[2 + tonumber(ARGV[j])], ARGV[j + 1], ARGV[j + 2])
end
for i = 1, days do redis.call('EXPIREAT', KEYS[2 + i], ARGV[3 + i]) end
return 1
`;

/**
 * Per-queue workload in 15-minute buckets, per channel, for the staffing forecast: one hash per
 * queue and UTC day (`<prefix>{d:<domain>}:qi:<queue>:<day number>`, fields
 * `<interval of the day>:<channel>:<counter>`), expiring {@link QUEUE_INTERVAL_RETENTION_DAYS} after
 * its day ends. So the store holds at most 35 days × queues hashes of ≤ 96 × channels × counters
 * fields, whatever the age of the deployment. Beside them `qi-meta` keeps `since` (the earliest
 * event ever counted: before it the buckets are unknown, not quiet) and `qi-counted:<block>` the
 * stream positions of the batches counted within the last {@link COUNTED_BATCH_TTL_SECONDS}, so
 * a redelivered batch is not counted twice. Every key carries the domain's hash tag, so one
 * batch's writes are one script on one shard.
 */
export class QueueIntervalStore {
  private readonly prefix: string;
  private readonly clock: () => number;

  constructor(private readonly redis: Redis, options: QueueIntervalStoreOptions) {
    this.prefix = `${options.keyPrefix ?? 'ops:'}{d:${options.domain}}`;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Adds one ROUTING batch's deltas, once per `batchPosition` (its stream sequence). Deltas whose
   * day is already past retention are dropped (a durable replaying an old stream). Returns whether
   * the batch was counted now (false: nothing to count, or counted before).
   */
  async add(batchPosition: number, deltas: readonly QueueIntervalDelta[]): Promise<boolean> {
    const oldestDay = Math.floor(this.clock() / DAY_MS) - QUEUE_INTERVAL_RETENTION_DAYS;
    const kept = deltas.filter((d) => Math.floor(d.intervalStartMs / DAY_MS) > oldestDay);
    if (kept.length === 0) return false;
    const days: string[] = [];
    const expiries: number[] = [];
    const triples: (string | number)[] = [];
    for (const d of kept) {
      const day = Math.floor(d.intervalStartMs / DAY_MS);
      const key = this.dayKey(d.queueId, day);
      let index = days.indexOf(key);
      if (index < 0) {
        index = days.push(key) - 1;
        expiries.push((day + 1 + QUEUE_INTERVAL_RETENTION_DAYS) * 86_400);
      }
      const slot = Math.floor((d.intervalStartMs - day * DAY_MS) / INTERVAL_MS);
      for (const [field, value] of Object.entries(d.add)) {
        if (value !== undefined && value !== 0) triples.push(index + 1, `${slot}:${d.channel}:${field}`, value);
      }
    }
    const earliest = Math.min(...kept.map((d) => d.intervalStartMs));
    const counted = `${this.prefix}:qi-counted:${Math.floor(batchPosition / BATCH_BLOCK)}`;
    const reply = await this.redis.eval(APPLY_DELTAS, 2 + days.length, counted, this.metaKey(), ...days,
      batchPosition, COUNTED_BATCH_TTL_SECONDS, earliest, ...expiries, ...triples);
    return reply === 1;
  }

  /** The earliest interval ever counted (epoch ms), or undefined before the first. */
  async since(): Promise<number | undefined> {
    const value = await this.redis.hget(this.metaKey(), 'since');
    return value === null ? undefined : Number(value);
  }

  /**
   * The buckets of `queueId` for the given interval starts: interval start → channel → counters.
   * Intervals without any count are absent. One HGETALL per day touched.
   */
  async read(queueId: string, intervalStarts: readonly number[]): Promise<Map<number, Map<string, QueueIntervalCounters>>> {
    const wanted = new Set(intervalStarts);
    const days = [...new Set(intervalStarts.map((s) => Math.floor(s / DAY_MS)))];
    const hashes = await Promise.all(days.map((day) => this.redis.hgetall(this.dayKey(queueId, day))));
    const out = new Map<number, Map<string, Record<string, number>>>();
    days.forEach((day, i) => {
      for (const [field, value] of Object.entries(hashes[i] ?? {})) {
        const [slot, channel, counter] = field.split(':');
        if (slot === undefined || channel === undefined || counter === undefined) continue;
        const start = day * DAY_MS + Number(slot) * INTERVAL_MS;
        if (!wanted.has(start)) continue;
        let byChannel = out.get(start);
        if (!byChannel) out.set(start, (byChannel = new Map()));
        let counters = byChannel.get(channel);
        if (!counters) byChannel.set(channel, (counters = {}));
        counters[counter] = Number(value);
      }
    });
    return out;
  }

  private dayKey(queueId: string, day: number): string {
    return `${this.prefix}:qi:${queueId}:${day}`;
  }

  private metaKey(): string {
    return `${this.prefix}:qi-meta`;
  }
}

import type { Redis } from 'ioredis';

/** One contact marked for QA review; `score` and the rest once a reviewer scored it. */
export interface QaReviewEntry {
  readonly contactId: string;
  readonly agentId: string;
  readonly queueId: string;
  /** The core's channel name (`phone`, `chat`...). */
  readonly channel: string;
  readonly reasons: readonly string[];
  readonly disposition: string;
  readonly intent?: string;
  readonly markedAtMs: number;
  readonly score?: number;
  readonly reviewer?: string;
  readonly formId?: string;
  readonly scoredAtMs?: number;
}

/** Bounds of a domain's review list. */
export interface QaReviewBounds {
  /** Contacts waiting for a score, at most (the oldest beyond are dropped; default 10,000). */
  readonly maxOpen?: number;
  /** Scored reviews kept, at most (default 10,000)… */
  readonly maxScored?: number;
  /** …and for at most this long after their score (default 90 days). */
  readonly scoredRetentionMs?: number;
}

// KEYS: items hash, open zset, scored zset. ARGV: contact id, entry JSON, marked-at ms, max open.
// A mark seen again (a redelivered batch, a second rule part later) changes nothing; past the
// bound the oldest open entries go, items with them.
const ADD = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
end
return 1`;

// KEYS: items, open, scored. ARGV: contact id, scored entry JSON, scored-at ms, max scored, oldest
// scored-at kept. A score of a contact the list does not hold is recorded too (the record is the
// truth: the mark may have been dropped by the bound), so the scored list shows what was scored.
const SCORE = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[5])
local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[4])
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, over - 1)) do table.insert(old, id) end
end
if #old > 0 then
  redis.call('ZREM', KEYS[3], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
end
return 1`;

/**
 * A domain's QA review list in Redis: contacts the queues' sampling rules marked (from
 * QaReviewRequested on ROUTING), oldest first, and the scored ones (from QaReviewScored). A hash of
 * entries by contact id beside two sorted sets (open by mark time, scored by score time), all
 * under the domain's hash tag (`<prefix>{d:<domain>}:qa:…`), so each change is one single-slot
 * script. It is an index of the record: ROUTING holds every mark and score, so a lost list is
 * rebuilt by reading ROUTING again. Bounded: at most `maxOpen` open and `maxScored` scored
 * entries, scored ones for `scoredRetentionMs`.
 */
export class QaReviewList {
  private readonly items: string;
  private readonly open: string;
  private readonly scored: string;
  private readonly maxOpen: number;
  private readonly maxScored: number;
  private readonly retentionMs: number;

  /** `prefix`: the key prefix (ops' own, e.g. `ops:`; see redisAclRules for who may read it). */
  constructor(private readonly redis: Redis, domain: string, prefix: string, bounds: QaReviewBounds = {}) {
    const base = `${prefix}{d:${domain}}:qa:`;
    this.items = `${base}items`;
    this.open = `${base}open`;
    this.scored = `${base}scored`;
    this.maxOpen = bounds.maxOpen ?? 10_000;
    this.maxScored = bounds.maxScored ?? 10_000;
    this.retentionMs = bounds.scoredRetentionMs ?? 90 * 86_400_000;
  }

  /** Adds a marked contact unless the list knows it already (open or scored). */
  async mark(entry: QaReviewEntry): Promise<boolean> {
    const added = await this.redis.eval(ADD, 3, this.items, this.open, this.scored, entry.contactId, JSON.stringify(entry), entry.markedAtMs, this.maxOpen);
    return added === 1;
  }

  /** Records a score: the entry leaves the open list for the scored one (kept within the bounds). */
  async score(score: Required<Pick<QaReviewEntry, 'score' | 'reviewer' | 'formId' | 'scoredAtMs'>> & Omit<QaReviewEntry, 'markedAtMs'>): Promise<void> {
    const before = await this.get(score.contactId);
    const entry: QaReviewEntry = { ...before, ...score, markedAtMs: before?.markedAtMs ?? score.scoredAtMs, reasons: before?.reasons ?? score.reasons };
    await this.redis.eval(SCORE, 3, this.items, this.open, this.scored, score.contactId, JSON.stringify(entry), score.scoredAtMs, this.maxScored,
      score.scoredAtMs - this.retentionMs);
  }

  /** One entry, or undefined. */
  async get(contactId: string): Promise<QaReviewEntry | undefined> {
    const raw = await this.redis.hget(this.items, contactId);
    return raw === null ? undefined : (JSON.parse(raw) as QaReviewEntry);
  }

  /** Open (or scored) entries, oldest first, at most `limit`; `queueId` keeps one queue's. */
  async list(options: { scored?: boolean; queueId?: string; limit?: number } = {}): Promise<QaReviewEntry[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1_000);
    const key = options.scored ? this.scored : this.open;
    const out: QaReviewEntry[] = [];
    // Pages through the set so a queue filter still fills `limit` (the whole set is bounded).
    for (let start = 0; out.length < limit; start += 500) {
      const ids = await this.redis.zrange(key, String(start), String(start + 499));
      if (ids.length === 0) break;
      const raws = await this.redis.hmget(this.items, ...ids);
      for (const raw of raws) {
        if (raw === null) continue;
        const entry = JSON.parse(raw) as QaReviewEntry;
        if (options.queueId === undefined || options.queueId === '' || entry.queueId === options.queueId) out.push(entry);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

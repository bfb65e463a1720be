import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Offer } from '@switchboard/contracts';

/** A desktop session as stored. */
export interface Session {
  readonly agentId: string;
  readonly sessionId: string;
  readonly lastSeenMs: number;
}

/**
 * Desktop sessions in Redis, so a gateway restart or another replica resumes them: per agent the
 * session id and last sign of life, the offers open on its desk, and one sorted set of deadlines
 * (last seen + grace) that every replica's reaper scans. All keys share the domain's hash tag.
 */
export class SessionStore {
  private readonly base: string;

  constructor(private readonly redis: Redis, prefix: string, domain: string, private readonly graceMs: number) {
    this.base = `${prefix}gw:{d:${domain}}:`;
  }

  private sessionKey = (agentId: string) => `${this.base}session:${agentId}`;
  private offersKey = (agentId: string) => `${this.base}offers:${agentId}`;
  private get deadlinesKey() {
    return `${this.base}deadlines`;
  }

  async get(agentId: string): Promise<Session | undefined> {
    const h = await this.redis.hgetall(this.sessionKey(agentId));
    if (!h.sessionId) return undefined;
    return { agentId, sessionId: h.sessionId, lastSeenMs: Number(h.lastSeenMs ?? 0) };
  }

  /**
   * Opens a session, or resumes the agent's live one when `resumeId` names it. A sign-in without
   * the live id (the desktop restarted) replaces the session but keeps its offers: they are the
   * agent's, not the desktop's.
   */
  async open(agentId: string, resumeId: string, nowMs: number): Promise<{ session: Session; resumed: boolean }> {
    const live = await this.get(agentId);
    const resumed = live !== undefined && resumeId !== '' && live.sessionId === resumeId;
    const sessionId = resumed ? live.sessionId : randomUUID();
    await this.redis.multi()
      .hset(this.sessionKey(agentId), { sessionId, lastSeenMs: nowMs })
      .zadd(this.deadlinesKey, nowMs + this.graceMs, agentId)
      .exec();
    return { session: { agentId, sessionId, lastSeenMs: nowMs }, resumed };
  }

  /** Records a sign of life (heartbeat, open stream). False when `sessionId` is not the agent's live session. */
  async touch(agentId: string, sessionId: string, nowMs: number): Promise<boolean> {
    const live = await this.get(agentId);
    if (live?.sessionId !== sessionId) return false;
    await this.redis.multi()
      .hset(this.sessionKey(agentId), 'lastSeenMs', nowMs)
      .zadd(this.deadlinesKey, nowMs + this.graceMs, agentId)
      .exec();
    return true;
  }

  /**
   * Sets the agent's reaper deadline to `dueMs` while its session lives (a claimed agent whose
   * sign-out failed goes back for another try); a session closed meanwhile stays closed.
   */
  async postpone(agentId: string, dueMs: number): Promise<void> {
    if (!(await this.get(agentId))) return;
    await this.redis.zadd(this.deadlinesKey, dueMs, agentId);
  }

  /** Forgets the agent's session and offers. */
  async close(agentId: string): Promise<void> {
    await this.redis.multi().del(this.sessionKey(agentId), this.offersKey(agentId)).zrem(this.deadlinesKey, agentId).exec();
  }

  /**
   * Agents whose deadline passed, each claimed by exactly one caller: ZREM succeeds for one
   * replica only, so a lost desktop is signed out once however many replicas reap.
   */
  async claimLost(nowMs: number, limit = 100): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.deadlinesKey, '-inf', nowMs, 'LIMIT', 0, limit);
    const claimed: string[] = [];
    for (const agentId of due) {
      if ((await this.redis.zrem(this.deadlinesKey, agentId)) === 1) claimed.push(agentId);
    }
    return claimed;
  }

  async putOffer(agentId: string, offer: Offer): Promise<void> {
    const contactId = offer.contact?.id ?? '';
    await this.redis.hset(this.offersKey(agentId), contactId, Buffer.from(Offer.encode(offer).finish()).toString('base64'));
  }

  async dropOffer(agentId: string, contactId: string): Promise<void> {
    await this.redis.hdel(this.offersKey(agentId), contactId);
  }

  /** The offers stored for the agent's desk, oldest token first. */
  async offers(agentId: string): Promise<Offer[]> {
    const all = await this.redis.hvals(this.offersKey(agentId));
    return all.map((b64) => Offer.decode(Buffer.from(b64, 'base64'))).sort((a, b) => a.reservationToken - b.reservationToken);
  }
}

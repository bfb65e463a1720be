import type { Redis } from 'ioredis';
import type { AgentProfile } from '@switchboard/routing-core';

/**
 * Agent profiles a supervisor changed at runtime (UpdateAgent), in Redis so that every gateway
 * replica signs the agent in with them after a restart too: one hash per domain,
 * `gw:{d:<domain>}:profiles`, field = agent id. Bounded by the agent directory (one entry per
 * agent, at most); a reset removes the entry and the directory's profile applies again.
 */
export class ProfileOverrides {
  private readonly key: string;

  constructor(private readonly redis: Redis, prefix: string, domain: string) {
    this.key = `${prefix}gw:{d:${domain}}:profiles`;
  }

  async get(agentId: string): Promise<AgentProfile | undefined> {
    const raw = await this.redis.hget(this.key, agentId);
    return raw === null ? undefined : (JSON.parse(raw) as AgentProfile);
  }

  async set(profile: AgentProfile): Promise<void> {
    await this.redis.hset(this.key, profile.id, JSON.stringify(profile));
  }

  async reset(agentId: string): Promise<void> {
    await this.redis.hdel(this.key, agentId);
  }
}

import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LINK_CUSTOMER, RESOLVE_CUSTOMERS, UNLINK_IDENTIFIER } from './customer-scripts.js';

/** The kinds of identifier a channel knows a customer by. */
export const IDENTIFIER_KINDS = ['phone', 'email', 'wechat', 'unionid', 'chat'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A raw identifier as a channel or a CRM knows it (personal data: never stored, only its HMAC). */
export interface CustomerIdentifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}

/** One of the customer's recent contacts, as the desk sees it. No raw identifier is kept. */
export interface RecentContact {
  readonly id: string;
  readonly channel: string;
  readonly queueId: string;
  /** Arrival, epoch ms. */
  readonly at: number;
  /** The agent who took it (accepted), when one did. */
  readonly agentId?: string;
  /** The disposition, `abandoned`, `expired`, `rejected` or `transferred`, once it ended. */
  readonly outcome?: string;
  readonly resolved?: boolean;
  /** When the agent's conversation completed (epoch ms). */
  readonly completedAt?: number;
}

/** A contact arriving: its entry, and its identifiers (already filtered by the linking rules). */
export interface CustomerArrival {
  readonly entry: RecentContact;
  readonly identifiers: readonly CustomerIdentifier[];
}

/** What became of an earlier contact: fields to set on its entry. */
export interface CustomerFact {
  readonly customerKey: string;
  readonly contactId: string;
  readonly set: Partial<Pick<RecentContact, 'agentId' | 'outcome' | 'resolved' | 'completedAt'>>;
}

/** The customer an arrival resolved to, and their recent contacts (this one included), oldest first. */
export interface ResolvedCustomer {
  readonly contactId: string;
  readonly customerKey: string;
  readonly recent: readonly RecentContact[];
}

/** How long and how much the store keeps. */
export interface CustomerRetention {
  /** A customer with no contact or link for this long is forgotten: identifiers, links, history. */
  readonly retentionDays: number;
  /** Recent contacts kept per customer, newest. */
  readonly maxRecent: number;
}

export const DEFAULT_CUSTOMER_RETENTION: CustomerRetention = { retentionDays: 90, maxRecent: 20 };

/** The secret is too short to key an HMAC that protects phone numbers (they are guessable). */
export class CustomerKeySecretError extends Error {
  override readonly name = 'CustomerKeySecretError';
}

/** Redis key prefix of a domain's customers: the domain's hash tag, so its scripts stay single-slot. */
export function customerKeyPrefix(domain: string, prefix = 'sb:'): string {
  return `${prefix}{d:${domain}}:cust:`;
}

/**
 * One domain's customers across channels, in Redis. Identifiers are stored only as keyed hashes
 * (HMAC-SHA256 with the deployment's `CUSTOMER_KEY_SECRET`): a dump of Redis gives no phone
 * number or openid, and without the secret none can be tested against it. Every operation is one
 * Lua script (one round trip); see customer-scripts.ts for the keys.
 */
export class CustomerStore {
  readonly prefix: string;
  private readonly secret: Buffer;

  constructor(private readonly redis: Redis, readonly domain: string, secret: string, prefix?: string,
    private readonly retention: CustomerRetention = DEFAULT_CUSTOMER_RETENTION) {
    if (secret.length < 16) throw new CustomerKeySecretError('CUSTOMER_KEY_SECRET must be at least 16 characters');
    this.secret = Buffer.from(secret, 'utf8');
    this.prefix = customerKeyPrefix(domain, prefix);
  }

  /** The stored form of an identifier: its kind and the HMAC of its normalised value. */
  identifierToken(id: CustomerIdentifier): string {
    const value = id.kind === 'email' ? id.value.trim().toLowerCase() : id.value.trim();
    return `${id.kind}:${createHmac('sha256', this.secret).update(`${id.kind}\n${value}`).digest('hex')}`;
  }

  /** Applies `facts`, then resolves every arrival in order: one round trip for the whole batch. */
  async resolve(arrivals: readonly CustomerArrival[], facts: readonly CustomerFact[], nowMs: number): Promise<ResolvedCustomer[]> {
    const payload = {
      facts: facts.map((f) => ({ customerKey: f.customerKey, contactId: f.contactId, set: f.set })),
      arrivals: arrivals.map((a) => ({ entry: a.entry, idents: [...new Set(a.identifiers.map((i) => this.identifierToken(i)))] })),
    };
    const raw = (await this.redis.eval(RESOLVE_CUSTOMERS, 1, this.prefix, ...this.args(nowMs), JSON.stringify(payload))) as string;
    return luaArray<{ contactId: string; customerKey: string; recent: unknown }>(JSON.parse(raw))
      .map((r) => ({ contactId: r.contactId, customerKey: r.customerKey, recent: luaArray<RecentContact>(r.recent) }));
  }

  /** A CRM's assertion that these identifiers are one person. Returns the customer key. */
  async link(identifiers: readonly CustomerIdentifier[], nowMs: number): Promise<string> {
    const idents = [...new Set(identifiers.map((i) => this.identifierToken(i)))];
    return (await this.redis.eval(LINK_CUSTOMER, 1, this.prefix, ...this.args(nowMs), JSON.stringify(idents))) as string;
  }

  /** The identifier becomes a customer of its own. Undefined when the store does not know it. */
  async unlink(identifier: CustomerIdentifier, nowMs: number): Promise<{ from: string; to: string } | undefined> {
    const r = (await this.redis.eval(UNLINK_IDENTIFIER, 1, this.prefix, ...this.args(nowMs), this.identifierToken(identifier))) as string[];
    return r.length === 2 ? { from: r[0]!, to: r[1]! } : undefined;
  }

  /** The customer an identifier belongs to, if known. */
  async customerOf(identifier: CustomerIdentifier): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}id:${this.identifierToken(identifier)}`)) ?? undefined;
  }

  /** A customer's identifier kinds (how many of each; never the values) and recent contacts, newest first. */
  async show(customerKey: string): Promise<{ identifiers: Partial<Record<IdentifierKind, number>>; recent: RecentContact[] } | undefined> {
    const [members, raw] = await Promise.all([
      this.redis.smembers(`${this.prefix}c:${customerKey}:ids`),
      this.redis.get(`${this.prefix}c:${customerKey}:recent`),
    ]);
    if (members.length === 0 && raw === null) return undefined;
    const identifiers: Partial<Record<IdentifierKind, number>> = {};
    for (const m of members) {
      const kind = m.slice(0, m.indexOf(':')) as IdentifierKind;
      identifiers[kind] = (identifiers[kind] ?? 0) + 1;
    }
    return { identifiers, recent: raw === null ? [] : luaArray<RecentContact>(JSON.parse(raw)).reverse() };
  }

  private args(nowMs: number): [number, number, number, number] {
    const { retentionDays, maxRecent } = this.retention;
    return [nowMs, retentionDays * 86_400, maxRecent, retentionDays * 86_400_000];
  }
}

/** Lua's cjson writes an empty array as `{}`. */
function luaArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

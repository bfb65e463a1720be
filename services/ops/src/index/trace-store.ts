import type { Redis } from 'ioredis';
import { Contact, RoutingEvent } from '@switchboard/contracts';

/** One contact's indexed record: its (redacted) contact, its trace id and its events in stream order. */
export interface IndexedContact {
  readonly contact?: Contact;
  readonly traceId: string;
  readonly events: readonly RoutingEvent[];
}

/** Options of {@link TraceStore}. */
export interface TraceStoreOptions {
  readonly domain: string;
  /** Seconds an untouched contact record lives; every write renews it. */
  readonly ttlSeconds: number;
  /** Key prefix (default `ops:`); tests use their own. */
  readonly keyPrefix?: string;
  /** How many recently seen contacts the console's list keeps (default 500). */
  readonly recentLimit?: number;
}

const EVENT_FIELD = 'e:';

/** Hours and surge changes kept per queue (the newest; older ones are trimmed as new ones come). */
export const QUEUE_CHANGES_KEPT = 20;

/**
 * The per-contact index of the ROUTING and CONTACTS streams in Redis. Each contact is one hash
 * (`<prefix>{d:<domain>}:c:<id>`): events under `e:<stream seq>:<index in the batch>` (a ROUTING
 * message is a batch whose events share its sequence), so a redelivered batch overwrites its own
 * fields (the consumer is at-least-once, the index stays exact), plus `contact` and `trace`.
 * Keys carry the domain's hash tag, so the index sits on the domain's Redis Cluster shard (and
 * one batch's contacts are one transaction), and a TTL bounds it. Redis rather than memory: the
 * index survives an ops restart and is shared by ops replicas, which split one durable consumer
 * between them. Beside the contacts, `a:<agent>` holds the events a supervisor caused concerning
 * an agent (those with `by`), under the same TTL: the agent's audit trail; and `q:<queue>` the
 * queue's hours and surge changes, a sorted set by stream position holding at most
 * {@link QUEUE_CHANGES_KEPT} (the newest), under the same TTL renewed on each change.
 */
export class TraceStore {
  private readonly prefix: string;

  constructor(private readonly redis: Redis, private readonly options: TraceStoreOptions) {
    this.prefix = `${options.keyPrefix ?? 'ops:'}{d:${options.domain}}`;
  }

  private contactKey(contactId: string): string {
    return `${this.prefix}:c:${contactId}`;
  }

  /** Supervisors' actions concerning an agent (events with `by`): `<prefix>{d:<domain>}:a:<id>`. */
  private agentKey(agentId: string): string {
    return `${this.prefix}:a:${agentId}`;
  }

  /** A queue's hours and surge changes: `<prefix>{d:<domain>}:q:<id>`. */
  private queueKey(queueId: string): string {
    return `${this.prefix}:q:${queueId}`;
  }

  private get recentKey(): string {
    return `${this.prefix}:recent`;
  }

  /**
   * Records the events of one ROUTING batch that belong to a contact, in one transaction; the
   * batch's `streamSeq` and each event's index among the batch's events order and deduplicate.
   * `commandOf[i]` is the command (within the batch) that made event `i`: a supervisor's action
   * on an agent (presence, sign-out, profile: `by`, no contact) is also written to the timeline of
   * every contact the same command moved, so a contact's trace says why it went back to its
   * queue ("agent s1 signed out by lead"). Without `commandOf` each event is only where it names.
   */
  async addBatch(streamSeq: number, events: readonly RoutingEvent[], commandOf?: readonly number[]): Promise<void> {
    const fields = new Map<string, [string, Buffer][]>();
    const changes = new Map<string, [number, Buffer][]>();
    const put = (key: string, field: string, bytes: Buffer) => {
      if (!fields.has(key)) fields.set(key, []);
      fields.get(key)!.push([field, bytes]);
    };
    events.forEach((event, index) => {
      const field = `${EVENT_FIELD}${streamSeq}:${index}`;
      const bytes = Buffer.from(RoutingEvent.encode(event).finish());
      if (event.contactId) put(this.contactKey(event.contactId), field, bytes);
      else if (event.by && event.agentId && commandOf) {
        for (const contactId of contactsOfCommand(events, commandOf, commandOf[index])) put(this.contactKey(contactId), field, bytes);
      }
      // A supervisor's action on an agent (presence, sign-out, profile, their contacts): the
      // agent's audit trail. Only events with `by`, so it follows supervisors' actions, not traffic.
      if (event.by && event.agentId) put(this.agentKey(event.agentId), field, bytes);
      // A queue's opening or surge change: its history. The member is the event itself, so a
      // redelivered batch adds nothing; the score orders by stream position, then by place in the batch.
      if ((event.hoursChanged || event.surgeChanged) && event.queueId) {
        const key = this.queueKey(event.queueId);
        if (!changes.has(key)) changes.set(key, []);
        changes.get(key)!.push([streamSeq * 10_000 + Math.min(index, 9_999), bytes]);
      }
    });
    if (fields.size === 0 && changes.size === 0) return;
    const tx = this.redis.multi();
    for (const [key, entries] of fields) tx.hset(key, Object.fromEntries(entries)).expire(key, this.options.ttlSeconds);
    for (const [key, entries] of changes) {
      tx.zadd(key, ...entries.flatMap(([score, bytes]) => [score, bytes] as const)).zremrangebyrank(key, 0, -QUEUE_CHANGES_KEPT - 1).expire(key, this.options.ttlSeconds);
    }
    await tx.exec();
  }

  /** Records a contact as accepted at ingest, with the trace id its journey runs under. */
  async addContact(contact: Contact, traceId: string, atMs: number): Promise<void> {
    const key = this.contactKey(contact.id);
    await this.redis.multi()
      .hset(key, 'contact', Buffer.from(Contact.encode(contact).finish()), 'trace', traceId)
      .expire(key, this.options.ttlSeconds)
      .zadd(this.recentKey, atMs, contact.id)
      .zremrangebyrank(this.recentKey, 0, -(this.options.recentLimit ?? 500) - 1)
      .exec();
  }

  /** A contact's record, or undefined when nothing of it was indexed (or it expired). */
  async get(contactId: string): Promise<IndexedContact | undefined> {
    const fields = await this.redis.hgetallBuffer(this.contactKey(contactId));
    const names = Object.keys(fields);
    if (names.length === 0) return undefined;
    const events = eventsIn(fields);
    const contact = fields.contact ? Contact.decode(fields.contact) : undefined;
    return { ...(contact ? { contact } : {}), traceId: fields.trace?.toString() ?? '', events };
  }

  /** Supervisors' actions concerning an agent, in record order (empty when none within the TTL). */
  async agentActions(agentId: string): Promise<RoutingEvent[]> {
    return eventsIn(await this.redis.hgetallBuffer(this.agentKey(agentId)));
  }

  /** A queue's hours and surge changes, newest first (at most {@link QUEUE_CHANGES_KEPT}, within the TTL). */
  async queueChanges(queueId: string): Promise<RoutingEvent[]> {
    const members = await this.redis.zrevrangeBuffer(this.queueKey(queueId), 0, QUEUE_CHANGES_KEPT - 1);
    return members.map((bytes) => RoutingEvent.decode(bytes));
  }

  /** The most recently arrived contact ids, newest first. */
  async recent(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.recentKey, 0, Math.max(0, limit - 1));
  }
}

/** The contacts the events of command `command` name (each once). */
function contactsOfCommand(events: readonly RoutingEvent[], commandOf: readonly number[], command: number | undefined): Set<string> {
  const ids = new Set<string>();
  events.forEach((e, i) => { if (commandOf[i] === command && e.contactId) ids.add(e.contactId); });
  return ids;
}

/** The events among a hash's fields, decoded, in record order. */
function eventsIn(fields: Record<string, Buffer>): RoutingEvent[] {
  return Object.keys(fields)
    .filter((name) => name.startsWith(EVENT_FIELD))
    .map((name) => ({ at: positionOf(name), bytes: fields[name]! }))
    .sort((a, b) => a.at.seq - b.at.seq || a.at.index - b.at.index)
    .map(({ bytes }) => RoutingEvent.decode(bytes));
}

/** Where an event field's event sits on ROUTING; fields indexed before batches (`e:<seq>`) are the only event of their message. */
function positionOf(field: string): { seq: number; index: number } {
  const [seq, index] = field.slice(EVENT_FIELD.length).split(':');
  return { seq: Number(seq), index: Number(index ?? 0) };
}

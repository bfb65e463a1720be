import { createHash } from 'node:crypto';
import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';

/** The kf customer of a contact: whom its texts go to. Personal data (external_userid). */
export interface KfCustomer {
  readonly openKfid: string;
  readonly externalUserid: string;
}

/** What was sent to a contact's customer while it waits, in the current send window. */
export interface ReplyBudget {
  /** Texts sent in this window (position texts and the exception text). */
  readonly sent: number;
  /** Position texts sent in this window. */
  readonly positions: number;
  /** The customer's message the window counts from, ms since the epoch (WeChat's send_time). */
  readonly windowFrom: number;
  /** When the last position text went out (ms), and what it said. */
  readonly lastPositionAt: number;
  readonly lastPosition: number;
  readonly callbackOffered: boolean;
  /** The language the announcer gave for the contact, for the exception text. */
  readonly language: string;
}

/** Where an exception text (rejected, expired) of a contact stands. */
export interface SentMarker {
  readonly state: 'sending' | 'sent' | 'failed';
  /** When the state was written, ms since the epoch. */
  readonly at: number;
}

/** A survey sent to a kf customer: their next reply "1".."5" before `until` (ms) answers it. */
export interface KfSurvey {
  readonly contactId: string;
  readonly until: number;
}

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_KF_REPLY_BUCKET = 'wechat_kf_replies';

/**
 * Lifetime of every entry: a week, like the conversations (CONVERSATION_TTL_MS). Past WeChat's
 * 48-hour send window nothing can be sent to the customer anyway, and a ROUTING batch is never
 * redelivered that late, so the bucket holds at most the contacts of one week (three keys each).
 */
export const KF_REPLY_TTL_MS = 7 * 24 * 3600_000;

/**
 * What ingest-wechat keeps to talk back to kf customers, in a JetStream KV bucket shared by the
 * replicas: `c_<contactId>` → {@link KfCustomer} (written when the contact is opened, before it is
 * published, so any routing event about it finds its customer), `b_<contactId>` →
 * {@link ReplyBudget} (compare-and-set, so two replicas never overspend WeChat's 5-message budget)
 * and `x_<contactId>` → {@link SentMarker} of its one exception text (rejected or expired).
 */
export class KfReplyStore {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  static async open(nc: NatsConnection, bucket = DEFAULT_KF_REPLY_BUCKET, isConnected = () => !nc.isClosed()): Promise<KfReplyStore> {
    const kv = await nc.jetstream().views.kv(bucket, { history: 1, ttl: KF_REPLY_TTL_MS, timeout: 2_000 });
    return new KfReplyStore(kv, isConnected);
  }

  /** @throws BusUnavailableError when the bucket cannot be written now. */
  async rememberCustomer(contactId: string, customer: KfCustomer): Promise<void> {
    await this.guard(() => this.kv.put(`c_${contactId}`, JSON.stringify(customer)));
  }

  /** The kf customer of a contact opened here, or undefined (another source, or expired). */
  async customerOf(contactId: string): Promise<KfCustomer | undefined> {
    return this.guard(async () => read<KfCustomer>(await this.kv.get(`c_${contactId}`)));
  }

  /** The contact's budget, or undefined when nothing was sent or noted yet. */
  async budget(contactId: string): Promise<ReplyBudget | undefined> {
    return this.guard(async () => read<ReplyBudget>(await this.kv.get(`b_${contactId}`)));
  }

  /**
   * Changes the contact's budget with compare-and-set: `change` gets the current budget (undefined
   * for none) and returns the new one, or undefined to leave it; called again when another
   * replica wrote first. Resolves to what was written, or undefined.
   * @throws BusUnavailableError when the bucket cannot be used now, or keeps changing.
   */
  async updateBudget(contactId: string, change: (current: ReplyBudget | undefined) => ReplyBudget | undefined): Promise<ReplyBudget | undefined> {
    return this.cas(`b_${contactId}`, change);
  }

  /** Remembers the survey a customer was sent (one per customer: a later survey replaces it). */
  async rememberSurvey(customerKey: string, survey: KfSurvey): Promise<void> {
    await this.guard(() => this.kv.put(surveyKey(customerKey), JSON.stringify(survey)));
  }

  /** The customer's latest survey, or undefined. */
  async surveyOf(customerKey: string): Promise<KfSurvey | undefined> {
    return this.guard(async () => read<KfSurvey>(await this.kv.get(surveyKey(customerKey))));
  }

  /** The sent-marker of the contact's exception text. */
  async marker(contactId: string): Promise<SentMarker | undefined> {
    return this.guard(async () => read<SentMarker>(await this.kv.get(`x_${contactId}`)));
  }

  /** Compare-and-set of the sent-marker, as {@link updateBudget}. */
  async updateMarker(contactId: string, change: (current: SentMarker | undefined) => SentMarker | undefined): Promise<SentMarker | undefined> {
    return this.cas(`x_${contactId}`, change);
  }

  private async cas<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return this.guard(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const next = change(read<T>(entry));
        if (next === undefined) return undefined;
        if (await casPut(this.kv, key, JSON.stringify(next), entry)) return next;
      }
      throw new BusUnavailableError(`kf reply store: ${key.slice(0, 2)} kept changing under us`);
    });
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardKv(this.isConnected, 'kf reply store', fn);
  }
}

/** Keys are hashes of the customer key: no external_userid is stored in clear in a key. */
function surveyKey(customerKey: string): string {
  return `s_${createHash('sha256').update(customerKey, 'utf8').digest('hex').slice(0, 40)}`;
}

function read<T>(entry: KvEntry | null): T | undefined {
  return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
}

import type { KV, KvEntry, NatsConnection } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';
import { casPut, guardKv } from '@switchboard/ingest-kit';

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_CALLS_BUCKET = 'phone_calls';

/** A call's record outlives any wait and any callback of it (a callback waits for its queue to open overnight). */
export const DEFAULT_CALLS_TTL_MS = 24 * 3_600_000;

/** What the phone channel remembers of one call, from its arrival until the record expires. */
export interface PhoneCall {
  /** The platform's call id: Twilio's CallSid, or the generic platform's callId. */
  readonly callId: string;
  readonly platform: 'twilio' | 'generic';
  /** The caller's number as the platform gave it (personal data: never logged unredacted). */
  readonly from: string;
  /** The contact's language tag from the IVR hints ('' when none). */
  readonly language: string;
  readonly receivedAt: number;
  /** The caller chose a callback: their hang-up is not an abandonment. */
  readonly callbackRequested?: boolean;
  /** The call is over (its terminal status arrived): nothing more can be said to it. */
  readonly ended?: boolean;
  /** An exception's TwiML waiting to be played (answered by the wait URL if it asks before the REST update lands). */
  readonly pendingTwiml?: string;
  /** The satisfaction survey to play after the agent's leg (SurveyOffered): what to say, and until when (ms). */
  readonly survey?: { readonly text: string; readonly language: string; readonly until: number };
  /** The survey was answered on this call (a second digit is not asked for). */
  readonly surveyAnswered?: boolean;
  /** The voicemail the caller left after an exception. */
  readonly voicemail?: { readonly recordingSid: string; readonly url: string; readonly durationSeconds: number };
}

/** One callback dial attempt of a contact, claimed before it is dialled. */
export interface DialClaim {
  readonly state: 'dialing' | 'dialed';
  readonly at: number;
  /** The outbound call's id once dialled. */
  readonly callId?: string;
}

/**
 * The phone channel's memory of calls in a JetStream KV bucket, shared by the replicas: routing
 * events name contacts, and telling a caller something needs their CallSid, number and language.
 * Keys: `c_<contactId>` → {@link PhoneCall}; `d_<contactId>_<attempt>` → {@link DialClaim}, so a
 * redelivered CallbackDialing event never dials the customer twice. Bounded by the bucket's TTL
 * (default {@link DEFAULT_CALLS_TTL_MS}): the bucket holds a day's calls, never history.
 */
export class PhoneCallStore {
  private constructor(private readonly kv: KV, private readonly isConnected: () => boolean) {}

  static async open(nc: NatsConnection, options: { bucket?: string; ttlMs?: number; isConnected?: () => boolean } = {}): Promise<PhoneCallStore> {
    const kv = await nc.jetstream().views.kv(options.bucket ?? DEFAULT_CALLS_BUCKET, { history: 1, ttl: options.ttlMs ?? DEFAULT_CALLS_TTL_MS, timeout: 2_000 });
    return new PhoneCallStore(kv, options.isConnected ?? (() => !nc.isClosed()));
  }

  /**
   * Remembers a new call (before its contact is published, so every routing event about it finds
   * it). A resend of the arrival keeps what later requests added.
   * @throws BusUnavailableError when the bucket cannot be written now (the platform retries).
   */
  async remember(contactId: string, call: PhoneCall): Promise<void> {
    await this.change(contactId, (current) => current ?? call);
  }

  /** The call of a contact, or undefined (not a call, or its record expired). */
  async get(contactId: string): Promise<PhoneCall | undefined> {
    return guardKv(this.isConnected, 'call store', async () => readCall(await this.kv.get(`c_${contactId}`)));
  }

  /**
   * Changes a known call's record (compare-and-set against the other replicas). `change` gets
   * the current record and returns the new one (the same object: nothing to write).
   * @returns the record as written, or undefined when the call is unknown.
   */
  async update(contactId: string, change: (call: PhoneCall) => PhoneCall): Promise<PhoneCall | undefined> {
    return this.change(contactId, (current) => (current ? change(current) : undefined));
  }

  private change(contactId: string, change: (current: PhoneCall | undefined) => PhoneCall | undefined): Promise<PhoneCall | undefined> {
    return guardKv(this.isConnected, 'call store', async () => {
      const key = `c_${contactId}`;
      for (let attempt = 0; attempt < 5; attempt++) {
        const entry = await this.kv.get(key);
        const current = readCall(entry);
        const next = change(current);
        if (next === undefined || next === current) return next;
        if (await casPut(this.kv, key, JSON.stringify(next), entry)) return next;
      }
      throw new BusUnavailableError('call record kept changing under us');
    });
  }

  /** Claims one dial attempt; false when another replica (or an earlier delivery) already did. */
  async claimDial(contactId: string, attempt: number, at: number): Promise<boolean> {
    return guardKv(this.isConnected, 'call store', async () => {
      try {
        await this.kv.create(dialKey(contactId, attempt), JSON.stringify({ state: 'dialing', at } satisfies DialClaim));
        return true;
      } catch (error) {
        if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
        throw error;
      }
    });
  }

  /** Records the outbound call of a claimed attempt. */
  async dialed(contactId: string, attempt: number, callId: string, at: number): Promise<void> {
    await guardKv(this.isConnected, 'call store', () => this.kv.put(dialKey(contactId, attempt), JSON.stringify({ state: 'dialed', at, callId } satisfies DialClaim)));
  }

  /** Gives a claim back (the dial could not be placed now and will be tried again). */
  async releaseDial(contactId: string, attempt: number): Promise<void> {
    await guardKv(this.isConnected, 'call store', () => this.kv.delete(dialKey(contactId, attempt)));
  }
}

const dialKey = (contactId: string, attempt: number) => `d_${contactId}_${attempt}`;

function readCall(entry: KvEntry | null): PhoneCall | undefined {
  return entry && entry.operation === 'PUT' ? entry.json<PhoneCall>() : undefined;
}

import type { Channel } from './channel.js';
import type { CustomerPreference } from './customer.js';
import type { SkillRequirement } from './skill.js';

/**
 * Contact lifecycle. Happy path `RECEIVED → QUEUED → OFFERED → CONNECTED → WRAP_UP → COMPLETED`;
 * side exits `ABANDONED` (customer left), `EXPIRED` (max wait), `TRANSFERRED` (left the domain).
 */
export const ContactState = {
  RECEIVED: 'RECEIVED',
  QUEUED: 'QUEUED',
  OFFERED: 'OFFERED',
  CONNECTED: 'CONNECTED',
  WRAP_UP: 'WRAP_UP',
  COMPLETED: 'COMPLETED',
  ABANDONED: 'ABANDONED',
  EXPIRED: 'EXPIRED',
  TRANSFERRED: 'TRANSFERRED',
} as const;

/** One of {@link ContactState}. */
export type ContactState = (typeof ContactState)[keyof typeof ContactState];

/** Customer tier; VIP levels are `VIP1` (lowest) to `VIP3` (highest). */
export const CustomerTier = {
  STANDARD: 'STANDARD',
  VIP1: 'VIP1',
  VIP2: 'VIP2',
  VIP3: 'VIP3',
} as const;

/** One of {@link CustomerTier}. */
export type CustomerTier = (typeof CustomerTier)[keyof typeof CustomerTier];

/** What an ingestion adapter hands the engine when a contact arrives (already classified to a queue). */
export interface ContactInput {
  readonly id: string;
  readonly domain: string;
  readonly channel: Channel;
  readonly queueId: string;
  /** Higher is more urgent. */
  readonly basePriority: number;
  readonly tier: CustomerTier;
  /** BCP-47-ish language tag; when set, only agents speaking it are eligible. */
  readonly language?: string;
  readonly intent?: string;
  /** Added to the queue's own required skills (the stricter minimum wins). */
  readonly requiredSkills?: readonly SkillRequirement[];
  /** Preferred or last agent: the contact waits for that agent first (sticky) when the queue allows. */
  readonly preferredAgentId?: string;
  readonly conversationId?: string;
  /** When the platform received the contact (epoch ms); the age that transfers keep. */
  readonly arrivedAtMs: number;
  /** The customer across channels (opaque key), when the router resolved one. */
  readonly customerKey?: string;
  /**
   * The agent the customer's other contacts point to (holding a live one, or the last to serve
   * them). Used as the preferred agent when the contact names none and its queue's policy allows.
   */
  readonly customerPreference?: CustomerPreference;
}

/** Read-only view of a live contact, as returned by engine queries. */
export interface ContactView extends ContactInput {
  readonly state: ContactState;
  /** When the contact entered its current queue (epoch ms); queue thresholds count from here. */
  readonly enqueuedAtMs: number;
  /** Current ring (0 = full skill set). */
  readonly ring: number;
  /** VIP queue only: the dedicated pool no longer restricts this contact. */
  readonly poolOpen: boolean;
  /** Waiting only for `preferredAgentId` (sticky phase). */
  readonly sticky: boolean;
  /** Agent holding the offer or the connection, if any. */
  readonly agentId?: string;
  /** Fencing token of the live offer/connection, if any. */
  readonly offerToken?: number;
  /**
   * Agents currently excluded from this contact because they declined or missed it. Each exclusion
   * lapses one offer timeout (the queue's `offerTimeoutSeconds`) after the refusal, and all are
   * cleared when the contact enters another queue.
   */
  readonly declinedBy: readonly string[];
  /** Queue ids this contact went through before the current one (transfers, overflows). */
  readonly history: readonly string[];
  /** Set once the customer asked to be called back: the number, and the dials made so far. */
  readonly callback?: CallbackState;
  /** Held back from offers (surge-deferred email, a callback waiting to retry), while waiting. */
  readonly held?: { readonly reason: 'SURGE_DEFERRED' | 'CALLBACK_RETRY' | 'QUEUE_CLOSED'; readonly untilMs?: number };
  /** The customer was offered a callback in this queue (surge mode). */
  readonly callbackOffered: boolean;
}

/** A queued callback: the number to dial and the dials made so far. */
export interface CallbackState {
  readonly number: string;
  readonly attempts: number;
}

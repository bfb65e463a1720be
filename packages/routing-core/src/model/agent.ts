import type { Channel, ChannelCapacity } from './channel.js';
import type { AgentSkills } from './skill.js';

/** Agent presence. `WRAP_UP` is engine-managed (after a completed contact, until wrap-up ends). */
export const Presence = {
  OFFLINE: 'OFFLINE',
  AVAILABLE: 'AVAILABLE',
  AWAY: 'AWAY',
  WRAP_UP: 'WRAP_UP',
} as const;

/** One of {@link Presence}. */
export type Presence = (typeof Presence)[keyof typeof Presence];

/** Reason the engine itself uses when it sets an agent away after too many missed offers. */
export const AWAY_MISSED = 'missed';

/** A queue an agent serves, with the agent-side priority (lower number = served first). */
export interface ServedQueue {
  readonly queueId: string;
  readonly priority: number;
}

/** What the agent desktop hands the engine on sign-in (or to update a signed-in agent). */
export interface AgentProfile {
  readonly id: string;
  readonly skills: AgentSkills;
  readonly languages: readonly string[];
  readonly team: string;
  readonly capacity: ChannelCapacity;
  /** When false (default) a phone contact is never held together with any other channel. */
  readonly allowBlendWithPhone?: boolean;
  readonly queues: readonly ServedQueue[];
}

/** Read-only view of an agent, as returned by engine queries. */
export interface AgentView extends AgentProfile {
  readonly presence: Presence;
  readonly awayReason?: string;
  /** When the agent last became free of all work or available (epoch ms). */
  readonly idleSinceMs: number;
  /** Contacts held per channel: live offers (reservations), connected and wrapping up. */
  readonly used: Readonly<Record<Channel, number>>;
  readonly consecutiveMisses: number;
  /** Contact ids currently offered to, connected to, or wrapping up with this agent. */
  readonly contactIds: readonly string[];
}

import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { type BusNames, streamSubjects } from './names.js';

/** Stream limits, set deliberately: these decide when JetStream refuses or forgets. */
export interface StreamLimits {
  /** Replicas per stream: 1 on one server, 3 in a cluster. */
  readonly replicas: number;
  /** Dedup window for Nats-Msg-Id. Platforms retry within minutes; we keep 10 (≥ 2 required). */
  readonly duplicateWindowMs: number;
  readonly contactsMaxAgeMs: number;
  readonly routingMaxAgeMs: number;
  readonly contactsMaxBytes: number;
  readonly routingMaxBytes: number;
  readonly maxMessageBytes: number;
}

const DAY = 86_400_000;

/** Platforms retry within minutes: the dedup window (and so the shortest stream retention) is never below 2 minutes. */
export const MIN_DEDUP_WINDOW_MS = 120_000;

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  replicas: 1,
  duplicateWindowMs: 10 * 60_000,
  contactsMaxAgeMs: 14 * DAY,
  routingMaxAgeMs: 30 * DAY,
  contactsMaxBytes: 8 * 1024 ** 3,
  routingMaxBytes: 16 * 1024 ** 3,
  maxMessageBytes: 1024 * 1024,
};

/**
 * Limits from the environment over the defaults: `SB_STREAM_REPLICAS`, `SB_DEDUP_WINDOW_MS`,
 * `SB_CONTACTS_MAX_BYTES`, `SB_ROUTING_MAX_BYTES`, `SB_CONTACTS_MAX_AGE_MS`, `SB_ROUTING_MAX_AGE_MS`.
 * JetStream reserves `max_bytes` of disk per stream up front, so size them to the volume.
 * @throws TypeError naming the variable when a value is not a positive integer.
 */
export function streamLimitsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): StreamLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  const d = DEFAULT_STREAM_LIMITS;
  const duplicateWindowMs = Math.max(MIN_DEDUP_WINDOW_MS, read('SB_DEDUP_WINDOW_MS', d.duplicateWindowMs));
  return {
    ...d,
    replicas: read('SB_STREAM_REPLICAS', d.replicas),
    duplicateWindowMs,
    contactsMaxBytes: read('SB_CONTACTS_MAX_BYTES', d.contactsMaxBytes),
    routingMaxBytes: read('SB_ROUTING_MAX_BYTES', d.routingMaxBytes),
    // JetStream refuses a max age below the dedup window: that window is the minimum retention.
    contactsMaxAgeMs: Math.max(duplicateWindowMs, read('SB_CONTACTS_MAX_AGE_MS', d.contactsMaxAgeMs)),
    routingMaxAgeMs: Math.max(duplicateWindowMs, read('SB_ROUTING_MAX_AGE_MS', d.routingMaxAgeMs)),
  };
}

/** The three streams' configurations. */
export function streamConfigs(names: BusNames, limits: StreamLimits = streamLimitsFromEnv()): Partial<StreamConfig>[] {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: limits.replicas,
    duplicate_window: nanos(limits.duplicateWindowMs),
    max_msg_size: limits.maxMessageBytes,
  };
  return [
    {
      ...common,
      name: names.contactsStream,
      subjects: [streamSubjects.contacts(names)],
      // A full CONTACTS stream refuses new contacts (ingestion answers 5xx, platforms retry)
      // rather than silently dropping accepted ones.
      discard: DiscardPolicy.New,
      max_age: nanos(limits.contactsMaxAgeMs),
      max_bytes: limits.contactsMaxBytes,
      description: 'Normalized contacts from ingestion; the system of record for recovery',
    },
    {
      ...common,
      name: names.routingStream,
      subjects: [streamSubjects.routing(names)],
      // A full ROUTING stream (by bytes or age) forgets its oldest records rather than refusing
      // new ones: refusing would stop the relay, leave CONTACTS unacked and halt routing without
      // a word. Recovery is to rest on the newest checkpoint (kept outside ROUTING) and the records
      // after it, so what shrinks is old history, the window ops and the auditor can look back on.
      // The router's sb_stream_usage_ratio and sb_stream_first_sequence show it filling and dropping.
      discard: DiscardPolicy.Old,
      max_age: nanos(limits.routingMaxAgeMs),
      max_bytes: limits.routingMaxBytes,
      description: 'Routing events relayed from the Redis outbox, one per state change',
    },
    {
      ...common,
      name: names.deadLetterStream,
      subjects: [streamSubjects.deadLetter(names)],
      discard: DiscardPolicy.Old,
      max_age: nanos(limits.routingMaxAgeMs),
      max_bytes: Math.min(limits.routingMaxBytes, 1024 ** 3),
      description: 'Poison messages, terminated and kept for inspection',
    },
  ];
}

/**
 * Creates the streams, or updates them to this configuration when they exist and differ. A stream
 * already as configured is left alone: on a locked server only the router may update streams (an
 * update can shrink the limits that decide what JetStream forgets), and every other service,
 * reading the same settings, finds nothing to change.
 */
export async function ensureStreams(jsm: JetStreamManager, names: BusNames, limits?: StreamLimits): Promise<void> {
  for (const config of streamConfigs(names, limits)) {
    const name = config.name as string;
    const existing = await jsm.streams.info(name).then((info) => info.config, (error: unknown) => {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    });
    if (!existing) await jsm.streams.add(config);
    else if (differs(config, existing)) await jsm.streams.update(name, config);
  }
}

function differs(wanted: Partial<StreamConfig>, existing: StreamConfig): boolean {
  return Object.entries(wanted).some(([key, value]) => JSON.stringify(existing[key as keyof StreamConfig]) !== JSON.stringify(value));
}

function isStreamNotFound(error: unknown): boolean {
  const e = error as { api_error?: { err_code?: number }; code?: string; message?: string };
  return e.api_error?.err_code === 10059 || /stream not found/i.test(e.message ?? '');
}

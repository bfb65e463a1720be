import { StorageType, type JetStreamClient, type ObjectStore } from 'nats';
import type { BusNames } from './names.js';

/** What the archive says of a stored checkpoint (kept in the object's description, as JSON). */
export interface CheckpointMeta {
  readonly domain: string;
  readonly epoch: string;
  readonly position: number;
  readonly takenAtMs: number;
  readonly format: number;
  /** Every applied record after `position` is on ROUTING above this sequence. */
  readonly routingTailAfterSeq: number;
}

/** A checkpoint read back from the archive. */
export interface ArchivedCheckpoint {
  readonly meta: CheckpointMeta;
  readonly data: Uint8Array;
}

/** The Object Store bucket of a deployment's checkpoints: `<ROUTING stream>_CHECKPOINTS`. */
export function checkpointBucket(names: BusNames): string {
  return `${names.routingStream}_CHECKPOINTS`;
}

/** Two slots per domain: a write goes to the slot holding the older checkpoint. */
const SLOTS = ['a', 'b'] as const;

/**
 * Domain checkpoints in a JetStream Object Store, for recovery after Redis lost everything. Each
 * domain has two fixed object names, written alternately, so the bucket holds the newest
 * checkpoint and the one before it (if the newest cannot be read, recovery falls back to the
 * older one and its longer tail) and never grows with the number of checkpoints taken: a put
 * replaces the slot's object and purges its chunks. The bucket is not subject to ROUTING's limits.
 */
export class CheckpointArchive {
  private constructor(private readonly os: ObjectStore) {}

  /** Opens (creating when missing) the deployment's bucket. */
  static async open(js: JetStreamClient, names: BusNames, replicas = 1): Promise<CheckpointArchive> {
    const os = await js.views.os(checkpointBucket(names), {
      storage: StorageType.File, replicas, description: 'The newest two checkpoints of every routing domain',
    });
    return new CheckpointArchive(os);
  }

  /** Stores a checkpoint in the domain's older slot. Resolves once JetStream holds all of it. */
  async put(meta: CheckpointMeta, data: Uint8Array): Promise<void> {
    const stored = await this.slots(meta.domain);
    const older = SLOTS.find((slot) => !stored.some((s) => s.slot === slot))
      ?? stored.reduce((a, b) => (newerFirst(a.meta, b.meta) > 0 ? a : b)).slot;
    await this.os.putBlob({ name: objectName(meta.domain, older), description: JSON.stringify(meta) }, data);
  }

  /** The domain's stored checkpoints, newest first (at most two). */
  async list(domain: string): Promise<readonly CheckpointMeta[]> {
    return (await this.slots(domain)).map((s) => s.meta).sort(newerFirst);
  }

  /** Reads the domain's checkpoints, newest first; a slot whose object cannot be read is skipped. */
  async *read(domain: string): AsyncGenerator<ArchivedCheckpoint> {
    const stored = (await this.slots(domain)).sort((a, b) => newerFirst(a.meta, b.meta));
    for (const { slot, meta } of stored) {
      const data = await this.os.getBlob(objectName(domain, slot)).catch(() => null);
      if (data !== null) yield { meta, data };
    }
  }

  private async slots(domain: string): Promise<{ slot: (typeof SLOTS)[number]; meta: CheckpointMeta }[]> {
    const found: { slot: (typeof SLOTS)[number]; meta: CheckpointMeta }[] = [];
    for (const slot of SLOTS) {
      const info = await this.os.info(objectName(domain, slot));
      if (info === null || info.deleted) continue;
      const meta = parseMeta(info.description);
      if (meta !== undefined) found.push({ slot, meta });
    }
    return found;
  }
}

/**
 * Orders checkpoints newest first: by when they were taken, then by log position — two taken in
 * the same millisecond (a burst of commands, or a clock that did not move) are told apart by how
 * much of the log they cover, so the newest is never mistaken for the older and overwritten.
 */
function newerFirst(a: CheckpointMeta, b: CheckpointMeta): number {
  return b.takenAtMs - a.takenAtMs || b.position - a.position;
}

function objectName(domain: string, slot: string): string {
  return `${domain}/${slot}`;
}

function parseMeta(description: string | undefined): CheckpointMeta | undefined {
  try {
    const meta = JSON.parse(description ?? '') as CheckpointMeta;
    return typeof meta.position === 'number' && typeof meta.takenAtMs === 'number' ? meta : undefined;
  } catch {
    return undefined;
  }
}

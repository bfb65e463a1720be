import type { KV, NatsConnection } from 'nats';

/** Where the `sync_msg` cursor of each open_kfid is kept between pulls and restarts. */
export interface CursorStore {
  /** The saved cursor, or undefined before the first pull. */
  get(openKfid: string): Promise<string | undefined>;
  /** Saves the cursor; resolves once it is durable. */
  set(openKfid: string, cursor: string): Promise<void>;
}

/** Production bucket name; tests pass one unique to their scope. */
export const DEFAULT_CURSOR_BUCKET = 'wechat_kf_cursors';

/**
 * Cursors in a NATS JetStream key-value bucket: the bus is Switchboard's system of record, so a
 * restarted (or another) replica resumes where the last pull left off and skips nothing.
 */
export class KvCursorStore implements CursorStore {
  private constructor(private readonly kv: KV) {}

  /** Opens the bucket, creating it (file storage, one revision per key) when missing. */
  static async open(nc: NatsConnection, bucket = DEFAULT_CURSOR_BUCKET): Promise<KvCursorStore> {
    const kv = await nc.jetstream().views.kv(bucket, { history: 1 });
    return new KvCursorStore(kv);
  }

  async get(openKfid: string): Promise<string | undefined> {
    const entry = await this.kv.get(keyOf(openKfid));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.string();
  }

  async set(openKfid: string, cursor: string): Promise<void> {
    await this.kv.put(keyOf(openKfid), cursor);
  }
}

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; base64url keeps any open_kfid a valid key. */
function keyOf(openKfid: string): string {
  return `kf_${Buffer.from(openKfid, 'utf8').toString('base64url')}`;
}

/** A cursor store in memory, for unit tests of code that takes a {@link CursorStore}. */
export class MemoryCursorStore implements CursorStore {
  readonly cursors = new Map<string, string>();
  async get(openKfid: string): Promise<string | undefined> {
    return this.cursors.get(openKfid);
  }
  async set(openKfid: string, cursor: string): Promise<void> {
    this.cursors.set(openKfid, cursor);
  }
}

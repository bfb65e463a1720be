import { createHash } from 'node:crypto';
import type { KV, NatsConnection } from 'nats';
import { guardKv } from './kv-store.js';
import { AuthError } from './errors.js';

/** Production bucket; tests pass one unique to their scope. */
export const DEFAULT_REPLAY_BUCKET = 'ingest_replay_nonces';

/** How far a signed timestamp may be from our clock, either way (default 5 minutes, as Slack and Stripe). */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

/** What {@link ReplayGuard.admit} checks: a signed request's timestamp and its one-time value. */
export interface SignedRequestStamp {
  /** The platform (or credential) the nonce belongs to, e.g. `wechat-oa`, `mailgun`, `phone:<key id>`. */
  readonly source: string;
  /** The request's signed timestamp, in Unix seconds. */
  readonly timestampSeconds: number;
  /** The request's signed one-time value (a nonce, Mailgun's token, or the signature itself). */
  readonly nonce: string;
}

/**
 * Refuses replayed webhook requests. A signature proves who sent a request, not that it is the
 * first time: anyone who saw a signed request on the network could post it again. So a signed
 * request must carry a timestamp within the window of our clock, and its nonce must not have been
 * seen within the window. Nonces live in a JetStream KV bucket whose entries expire after twice
 * the window (a request at the window's far edge is still remembered until it would be refused
 * by its timestamp anyway), so the bucket holds at most the window's traffic, never history.
 */
export class ReplayGuard {
  private constructor(
    private readonly kv: KV,
    private readonly windowSeconds: number,
    private readonly isConnected: () => boolean,
    private readonly nowSeconds: () => number,
  ) {}

  /** Opens (creating when missing) the nonce bucket. */
  static async open(
    nc: NatsConnection,
    options: { bucket?: string; windowSeconds?: number; isConnected?: () => boolean; nowSeconds?: () => number } = {},
  ): Promise<ReplayGuard> {
    const windowSeconds = options.windowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
    const kv = await nc.jetstream().views.kv(options.bucket ?? DEFAULT_REPLAY_BUCKET, {
      history: 1,
      ttl: 2 * windowSeconds * 1000,
      timeout: 2_000,
    });
    return new ReplayGuard(kv, windowSeconds, options.isConnected ?? (() => !nc.isClosed()), options.nowSeconds ?? (() => Date.now() / 1000));
  }

  /** The accepted clock difference, in seconds. */
  get window(): number {
    return this.windowSeconds;
  }

  /**
   * Admits a signed request once. Call only after its signature verified (an unsigned nonce
   * would let anyone fill the bucket).
   * @throws AuthError (403) when the timestamp is outside the window or the nonce was seen.
   * @throws BusUnavailableError when the bucket cannot be written now (the platform retries).
   */
  async admit(stamp: SignedRequestStamp): Promise<void> {
    this.checkTimestamp(stamp.timestampSeconds);
    if (stamp.nonce === '') throw new AuthError('missing', 'signed request has no nonce');
    if (!(await this.record(stamp))) throw new AuthError('invalid', 'request was already received (replayed nonce)');
  }

  /**
   * Admits a signed request whose signature does not cover its body (Mailgun signs timestamp and
   * token, WeChat plain mode token, timestamp and nonce), once per body: a nonce never seen is
   * admitted; seen before with the same body, it is the platform's retry of one delivery (after
   * our 503, a slow answer) and admitted — refusing it could lose what we never stored, and the
   * platform's message id deduplicates it; seen before with another body, it is a replay with
   * forged content, refused. The binding is a second entry keyed by nonce and body digest.
   * @throws AuthError (403) outside the window, or with `reusedMessage` for a nonce reused with
   * another body; BusUnavailableError when the bucket cannot be written now.
   */
  async admitOncePerBody(stamp: SignedRequestStamp, body: string | Uint8Array, reusedMessage: string): Promise<void> {
    this.checkTimestamp(stamp.timestampSeconds);
    if (stamp.nonce === '') throw new AuthError('missing', 'signed request has no nonce');
    const digest = createHash('sha256').update(body).digest('hex');
    const firstUse = await this.record(stamp);
    const newBody = await this.record({ source: `${stamp.source}#body`, timestampSeconds: stamp.timestampSeconds, nonce: `${stamp.nonce}\n${digest}` });
    // A body entry already there on a first use is a concurrent copy of this very request: still ours.
    if (!firstUse && newBody) throw new AuthError('invalid', reusedMessage);
  }

  /** Writes the stamp's entry; false when it was there already. */
  private record(stamp: SignedRequestStamp): Promise<boolean> {
    return guardKv(this.isConnected, 'replay guard', async () => {
      try {
        await this.kv.create(keyOf(stamp.source, stamp.nonce), String(Math.floor(stamp.timestampSeconds)));
        return true;
      } catch (error) {
        if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
        throw error;
      }
    });
  }

  /**
   * Whether a signed request was already handled within the memory (twice the window), for
   * platforms that resend the identical request when they did not hear our answer in time:
   * the resend must be answered as a duplicate, not refused. Checks the timestamp first. Pair it
   * with {@link remember} once the request was handled: a request remembered before its contact
   * was published would, were the publish to fail, make the platform's retry look like a
   * duplicate and the contact would be lost. (Two copies racing both publish; JetStream's
   * Nats-Msg-Id deduplication keeps one.)
   * @throws AuthError when the timestamp is outside the window or the nonce empty.
   * @throws BusUnavailableError when the bucket cannot be read now.
   */
  async wasHandled(stamp: SignedRequestStamp): Promise<boolean> {
    this.checkTimestamp(stamp.timestampSeconds);
    if (stamp.nonce === '') throw new AuthError('missing', 'signed request has no nonce');
    const entry = await guardKv(this.isConnected, 'replay guard', () => this.kv.get(keyOf(stamp.source, stamp.nonce)));
    return entry !== null && entry.operation === 'PUT';
  }

  /** Remembers a handled request (see {@link wasHandled}). @throws BusUnavailableError when the bucket cannot be written. */
  async remember(stamp: SignedRequestStamp): Promise<void> {
    await guardKv(this.isConnected, 'replay guard', () => this.kv.put(keyOf(stamp.source, stamp.nonce), String(Math.floor(stamp.timestampSeconds))));
  }

  /** The guard's clock, in Unix seconds (for platforms whose requests carry no timestamp). */
  now(): number {
    return this.nowSeconds();
  }

  /** @throws AuthError when `timestampSeconds` is not a time within the window. */
  checkTimestamp(timestampSeconds: number): void {
    if (!Number.isFinite(timestampSeconds)) throw new AuthError('missing', 'signed timestamp missing or not a number');
    if (Math.abs(this.nowSeconds() - timestampSeconds) > this.windowSeconds) {
      throw new AuthError('invalid', `signed timestamp is more than ${this.windowSeconds} s from the server's clock (replayed, or a clock to fix)`);
    }
  }
}

/** KV keys allow only `[-/_=.a-zA-Z0-9]`; nonces are platform text: keys are hashes. */
function keyOf(source: string, nonce: string): string {
  return `n_${createHash('sha256').update(source).update('\0').update(nonce).digest('hex')}`;
}

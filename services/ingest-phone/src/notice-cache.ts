import type { CustomerNotice } from '@switchboard/contracts';

/** Default bound: far more calls than one site keeps waiting at once (a notice is ~200 bytes). */
export const DEFAULT_NOTICE_CAP = 50_000;
/** Default age after which a notice is forgotten: several announcement cadences without news means the wait is over. */
export const DEFAULT_NOTICE_TTL_MS = 10 * 60_000;

/**
 * The newest position notice of each waiting contact, kept by every replica (each hears every
 * notice) so whichever replica Twilio's wait URL reaches can say where the caller stands.
 * Bounded: at most `cap` contacts (the least recently noticed is dropped first) and each entry
 * forgotten `ttlMs` after its notice arrived; dropped at once when the call ends here.
 */
export class NoticeCache {
  private readonly entries = new Map<string, { notice: CustomerNotice; at: number }>();

  constructor(
    private readonly cap = DEFAULT_NOTICE_CAP,
    private readonly ttlMs = DEFAULT_NOTICE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(cap > 0) || !(ttlMs > 0)) throw new RangeError('a notice cache needs a positive cap and TTL');
  }

  /** Keeps `notice` as its contact's newest (an older one, by its `at`, arriving late is ignored). */
  put(notice: CustomerNotice): void {
    const previous = this.entries.get(notice.contactId);
    if (previous && (previous.notice.at?.getTime() ?? 0) > (notice.at?.getTime() ?? 0)) return;
    this.entries.delete(notice.contactId);
    this.entries.set(notice.contactId, { notice, at: this.now() });
    // Entries are in arrival order: the expired ones, and past the cap the oldest, are at the head.
    const now = this.now();
    for (const [contactId, entry] of this.entries) {
      if (this.entries.size <= this.cap && now - entry.at <= this.ttlMs) break;
      this.entries.delete(contactId);
    }
  }

  /** The contact's newest notice, unless it is older than the TTL. */
  get(contactId: string): CustomerNotice | undefined {
    const entry = this.entries.get(contactId);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(contactId);
      return undefined;
    }
    return entry.notice;
  }

  delete(contactId: string): void {
    this.entries.delete(contactId);
  }

  get size(): number {
    return this.entries.size;
  }
}

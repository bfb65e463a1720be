import type { WeChatApiClient } from './api-client.js';
import type { CursorStore } from './cursor-store.js';
import type { KfMessage } from './messages.js';

/** Options of {@link syncKfMessages}. */
export interface SyncKfOptions {
  readonly client: Pick<WeChatApiClient, 'syncMsg'>;
  readonly cursors: CursorStore;
  readonly openKfid: string;
  /** The callback's Token, when the pull was triggered by one. */
  readonly token?: string;
  readonly limit?: number;
  /** Bound on pages per pull, so a runaway `has_more` cannot spin forever. */
  readonly maxPages?: number;
  /**
   * Takes one page's messages. It must resolve only when they are durable (published and
   * acknowledged): the cursor moves past them right after, and a failure stops the pull.
   */
  readonly handle: (messages: readonly KfMessage[]) => Promise<void>;
}

/** What one pull did. */
export interface SyncKfResult {
  readonly pages: number;
  readonly messages: number;
  readonly cursor: string | undefined;
}

/**
 * Pulls every new message of one Customer Service account: reads the saved cursor, calls
 * `sync_msg` until `has_more` is 0 — also through pages whose `msg_list` is empty, which WeChat
 * sends — hands each page over, and saves `next_cursor` after each handled page.
 * @throws whatever `sync_msg`, `handle` or the cursor store threw; the cursor then still points
 * at the first unhandled page, so the next trigger re-reads it (publishing dedups by msgid).
 */
export async function syncKfMessages(options: SyncKfOptions): Promise<SyncKfResult> {
  const maxPages = options.maxPages ?? 100;
  let cursor = await options.cursors.get(options.openKfid);
  let pages = 0;
  let messages = 0;
  while (pages < maxPages) {
    const page = await options.client.syncMsg({
      openKfid: options.openKfid,
      ...(cursor ? { cursor } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    pages += 1;
    if (page.messages.length > 0) await options.handle(page.messages);
    messages += page.messages.length;
    if (page.nextCursor && page.nextCursor !== cursor) {
      await options.cursors.set(options.openKfid, page.nextCursor);
      cursor = page.nextCursor;
    }
    if (!page.hasMore) break;
  }
  return { pages, messages, cursor };
}

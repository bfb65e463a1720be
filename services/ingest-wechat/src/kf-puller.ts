import type { Logger } from 'pino';
import { KfOrigin, syncKfMessages, type CursorStore, type KfMessage, type WeChatApiClient } from '@switchboard/wechat';
import { applyServiceState, ingestMessage, type IngestDeps } from './ingest.js';
import { serviceStateOf } from './kf-state.js';

/** Options of {@link KfPuller}. */
export interface KfPullerOptions extends IngestDeps {
  readonly client: Pick<WeChatApiClient, 'syncMsg'>;
  readonly cursors: CursorStore;
  readonly logger: Logger;
  /** Waits before re-pulling after a failed pull (WeChat keeps messages 3 days). */
  readonly retryDelaysMs?: readonly number[];
}

/** msgids remembered per process to skip re-reads cheaply; JetStream dedup is the real guard. */
const SEEN_LIMIT = 10_000;

/**
 * Runs `sync_msg` pulls for Customer Service accounts, one at a time per open_kfid: a trigger that
 * arrives while a pull runs makes it pull once more afterwards (with the newer Token), so no
 * message waits for the next callback. Customer messages (origin 3) become contacts or MESSAGE
 * updates; the session states events report (0 new … 4 ended) become state updates of the same
 * contact, the end ending (or abandoning) it. A failed pull is retried a few times.
 */
export class KfPuller {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Map<string, string | undefined>();
  private readonly seen = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: KfPullerOptions) {}

  /** Schedules a pull for `openKfid`; returns at once. */
  trigger(openKfid: string, token?: string, attempt = 0): void {
    if (this.stopped) return;
    if (this.running.has(openKfid)) {
      this.again.set(openKfid, token);
      return;
    }
    const run = this.pull(openKfid, token, attempt).finally(() => {
      this.running.delete(openKfid);
      if (this.again.has(openKfid)) {
        const next = this.again.get(openKfid);
        this.again.delete(openKfid);
        this.trigger(openKfid, next);
      }
    });
    this.running.set(openKfid, run);
  }

  /** Resolves when no pull is running or queued (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Stops scheduling retries and waits for pulls in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.idle();
  }

  private async pull(openKfid: string, token: string | undefined, attempt: number): Promise<void> {
    const { logger } = this.options;
    try {
      const result = await syncKfMessages({
        client: this.options.client,
        cursors: this.options.cursors,
        openKfid,
        ...(token ? { token } : {}),
        handle: (messages) => this.handleAll(messages),
      });
      logger.debug({ openKfid, pages: result.pages, messages: result.messages }, 'kf pull done');
    } catch (error) {
      const delays = this.options.retryDelaysMs ?? [1_000, 5_000, 30_000];
      const delay = delays[attempt];
      logger.warn({ err: error, openKfid, attempt }, 'kf pull failed');
      if (delay === undefined || this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.trigger(openKfid, undefined, attempt + 1);
      }, delay);
      this.timers.add(timer);
    }
  }

  // In order: a customer's second message must not overtake the first that opens the contact.
  private async handleAll(messages: readonly KfMessage[]): Promise<void> {
    for (const message of messages) {
      if (this.seen.has(message.msgid)) continue;
      await this.handle(message);
      this.remember(message.msgid);
    }
  }

  private async handle(message: KfMessage): Promise<void> {
    const at = new Date(message.send_time * 1000);
    if (message.msgtype === 'event' && message.event) {
      const event = message.event;
      const customerId = event.external_userid ?? message.external_userid;
      const state = serviceStateOf(event);
      if (state === undefined || !customerId) return;
      const servicer = event.new_servicer_userid || event.servicer_userid || undefined;
      const plan = await applyServiceState(this.options, {
        account: event.open_kfid ?? message.open_kfid,
        customerId,
        eventKey: message.msgid,
        at,
        state,
        ...(servicer ? { servicer } : {}),
      });
      if (plan?.kind === 'ignore') this.options.logger.info({ openKfid: message.open_kfid, state, reason: plan.reason }, 'kf state change ignored');
      return;
    }
    // Agents' own messages (origin 5) and system notices are not customer contacts.
    if (message.origin !== KfOrigin.customer || !message.external_userid) return;
    await ingestMessage(this.options, {
      source: 'kf',
      account: message.open_kfid,
      customerId: message.external_userid,
      messageId: message.msgid,
      msgType: message.msgtype,
      ...(message.text ? { content: message.text.content } : {}),
      at,
    });
  }

  private remember(msgid: string): void {
    this.seen.add(msgid);
    if (this.seen.size > SEEN_LIMIT) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

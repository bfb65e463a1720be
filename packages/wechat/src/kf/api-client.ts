import { z } from 'zod';
import { WeChatApiError, WeChatSendError } from '../errors.js';
import { syncMsgResponseSchema, type SyncMsgPage } from './messages.js';
import { canTransition, type KfServiceStateValue } from './service-state.js';

/** WeCom's API host; tests point {@link WeChatApiClientOptions.baseUrl} at a local fake. */
export const DEFAULT_WECHAT_API_BASE = 'https://qyapi.weixin.qq.com';

/** Options of {@link WeChatApiClient}. */
export interface WeChatApiClientOptions {
  /** `WECHAT_API_BASE`, without a trailing slash. */
  readonly baseUrl?: string;
  readonly corpId: string;
  /** The Customer Service app's secret, exchanged for access tokens. */
  readonly secret: string;
  /** Per-request timeout; WeChat answers in well under a second. */
  readonly timeoutMs?: number;
  /** Milliseconds since the epoch; injectable so token expiry is testable. */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  /**
   * Waits before calling again after errcode -1 (system busy), which WeCom's error list says to
   * retry, at most three times in all; default 200 ms then 1 s.
   */
  readonly busyRetryDelaysMs?: readonly number[];
}

/** Longest `text.content` of `kf/send_msg`, in UTF-8 bytes (WeChat's limit). */
export const KF_TEXT_MAX_BYTES = 2048;

/** A `msgid` WeChat takes on `kf/send_msg`: at most 32 of `[0-9a-zA-Z_-]`, unique per open_kfid. */
const KF_MSGID = /^[0-9a-zA-Z_-]{1,32}$/;

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
const errSchema = z.object({ errcode: z.number().int().default(0), errmsg: z.string().default('') });
const sendSchema = z.object({ msgid: z.string().default('') });

// 40001 bad secret-derived credential, 40014 invalid token, 42001 expired: fetch a new one once.
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
// -1: WeChat's "system busy, retry later".
const BUSY = -1;
// Refresh five minutes early so a token never expires between check and use.
const EARLY_REFRESH_MS = 5 * 60_000;

/**
 * WeChat Customer Service API: access token (fetched once, cached until shortly before expiry,
 * refreshed on a token error), `kf/sync_msg`, `kf/service_state/trans` and `kf/send_msg`.
 * "System busy" (-1) answers are retried a few times after a short wait.
 */
export class WeChatApiClient {
  private readonly baseUrl: string;
  private readonly now: () => number;
  private readonly fetchFn: typeof fetch;
  private token: { value: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: WeChatApiClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_WECHAT_API_BASE).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** A valid access token; concurrent callers share one fetch. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => { this.pendingToken = undefined; });
    return this.pendingToken;
  }

  /**
   * One page of `kf/sync_msg`. `token` is the callback's Token (valid 10 minutes), which raises
   * WeChat's rate limit; `cursor` is empty for the first pull ever.
   * @throws WeChatApiError when WeChat refuses or is unreachable.
   */
  async syncMsg(request: { cursor?: string; token?: string; limit?: number; openKfid: string }): Promise<SyncMsgPage> {
    const body = {
      ...(request.cursor ? { cursor: request.cursor } : {}),
      ...(request.token ? { token: request.token } : {}),
      limit: request.limit ?? 1000,
      open_kfid: request.openKfid,
    };
    const page = syncMsgResponseSchema.safeParse(await this.call('/cgi-bin/kf/sync_msg', body));
    if (!page.success) throw new WeChatApiError(`sync_msg answered an unexpected shape: ${page.error.message}`);
    return { nextCursor: page.data.next_cursor, hasMore: page.data.has_more === 1, messages: page.data.msg_list };
  }

  /**
   * Moves a session with `kf/service_state/trans`; refuses a move WeChat does not allow before
   * calling. `servicerUserid` is required for state 3.
   */
  async transServiceState(request: {
    openKfid: string;
    externalUserid: string;
    from: KfServiceStateValue;
    to: KfServiceStateValue;
    servicerUserid?: string;
  }): Promise<void> {
    if (!canTransition(request.from, request.to)) throw new RangeError(`service_state ${request.from} → ${request.to} is not allowed`);
    if (request.to === 3 && !request.servicerUserid) throw new RangeError('service_state 3 needs servicerUserid');
    await this.call('/cgi-bin/kf/service_state/trans', {
      open_kfid: request.openKfid,
      external_userid: request.externalUserid,
      service_state: request.to,
      ...(request.servicerUserid ? { servicer_userid: request.servicerUserid } : {}),
    });
  }

  /**
   * Sends a text to a customer with `kf/send_msg` (touser = external_userid) and resolves to the
   * msgid WeChat recorded. Pass `msgid` to make a retry safe: WeChat takes each msgid once per
   * open_kfid, so a resend of a message that did go out is refused rather than shown twice.
   * WeChat allows 5 messages per customer message, for 48 hours, and only while the session is
   * new or with the bot: the caller budgets them.
   * @throws RangeError for an empty or over-long text or a malformed msgid (nothing is sent).
   * @throws WeChatSendError naming why WeChat did not send it, and whether a retry can work.
   */
  async sendText(openKfid: string, externalUserid: string, text: string, options: { msgid?: string } = {}): Promise<string> {
    if (text.trim() === '') throw new RangeError('send_msg text is empty');
    if (Buffer.byteLength(text, 'utf8') > KF_TEXT_MAX_BYTES) throw new RangeError(`send_msg text is longer than ${KF_TEXT_MAX_BYTES} bytes`);
    if (options.msgid !== undefined && !KF_MSGID.test(options.msgid)) throw new RangeError('send_msg msgid must be 1-32 of [0-9a-zA-Z_-]');
    const body = {
      touser: externalUserid,
      open_kfid: openKfid,
      ...(options.msgid ? { msgid: options.msgid } : {}),
      msgtype: 'text',
      text: { content: text },
    };
    try {
      const json = await this.call('/cgi-bin/kf/send_msg', body);
      return sendSchema.parse(json).msgid || options.msgid || '';
    } catch (error) {
      if (error instanceof WeChatApiError) throw WeChatSendError.from(error, 'kf text');
      throw error;
    }
  }

  private async call(path: string, body: unknown, tokenRetried = false, busyRetries = 0): Promise<unknown> {
    const token = await this.accessToken();
    const json = await this.request(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: JSON.stringify(body) });
    const { errcode, errmsg } = errSchema.parse(json);
    if (errcode === 0) return json;
    if (TOKEN_ERRORS.has(errcode) && !tokenRetried) {
      this.token = undefined;
      return this.call(path, body, true, busyRetries);
    }
    const wait = errcode === BUSY ? (this.options.busyRetryDelaysMs ?? [200, 1_000])[busyRetries] : undefined;
    if (wait !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      return this.call(path, body, tokenRetried, busyRetries + 1);
    }
    throw new WeChatApiError(`${path} answered errcode ${errcode}: ${errmsg}`, errcode);
  }

  private async fetchToken(): Promise<string> {
    const query = new URLSearchParams({ corpid: this.options.corpId, corpsecret: this.options.secret });
    const json = await this.request(`/cgi-bin/gettoken?${query.toString()}`, { method: 'GET' });
    const { errcode, errmsg } = errSchema.parse(json);
    const parsed = tokenSchema.safeParse(json);
    if (errcode !== 0 || !parsed.success) throw new WeChatApiError(`gettoken answered errcode ${errcode}: ${errmsg}`, errcode);
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.token = { value: parsed.data.access_token, expiresAt: this.now() + Math.max(lifetimeMs - EARLY_REFRESH_MS, lifetimeMs / 2) };
    return this.token.value;
  }

  private async request(pathAndQuery: string, init: { method: string; body?: string }): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${pathAndQuery}`, {
        ...init,
        headers: init.body ? { 'content-type': 'application/json' } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new WeChatApiError(`WeChat API unreachable: ${(error as Error).message}`, undefined, { cause: error });
    }
    if (!response.ok) throw new WeChatApiError(`WeChat API answered HTTP ${response.status}`);
    try {
      return (await response.json()) as unknown;
    } catch (error) {
      throw new WeChatApiError('WeChat API answered non-JSON', undefined, { cause: error });
    }
  }
}

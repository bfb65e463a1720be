import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KfMessage } from '../kf/messages.js';

/** One `sync_msg` answer the fake gives for a cursor ('' for the first pull). */
export interface FakeSyncPage {
  readonly nextCursor: string;
  readonly hasMore: boolean;
  readonly messages: readonly KfMessage[];
}

/** A request the fake received, for assertions. */
export interface FakeKfRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>> | undefined;
}

/** A text `kf/send_msg` took. */
export interface FakeKfSend {
  readonly openKfid: string;
  readonly touser: string;
  readonly msgid: string;
  readonly content: string;
}

/**
 * A local stand-in for the WeChat Customer Service API (`gettoken`, `kf/sync_msg`,
 * `kf/service_state/trans`, `kf/send_msg`) for tests: pages are served by cursor, every request
 * is recorded, and `expireTokens()` makes the next call answer errcode 42001 like an expired
 * token. Texts sent are kept in `sent`; like WeChat, a customer takes at most `sendQuota` (5)
 * of them (then errcode 95001), and `failSends` holds errcodes to answer the next sends with.
 */
export class FakeKfApi {
  readonly requests: FakeKfRequest[] = [];
  readonly pages = new Map<string, FakeSyncPage>();
  readonly transitions: Readonly<Record<string, unknown>>[] = [];
  readonly sent: FakeKfSend[] = [];
  /** Errcodes the next `send_msg` calls answer, in order (nothing is sent for them). */
  readonly failSends: number[] = [];
  /** Texts a customer may be sent (WeChat: 5 per customer message within 48 h). */
  sendQuota = 5;
  private tokenSerial = 0;
  private validToken = '';
  private readonly server: Server;

  constructor(private readonly secret = 'kf-secret') {
    this.server = createServer((req, res) => {
      void this.handle(req).then((json) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
  }

  /** Starts on a free loopback port; resolves to the base URL for `WECHAT_API_BASE`. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Invalidates the issued token so the next API call must fetch a new one. */
  expireTokens(): void {
    this.validToken = 'expired';
  }

  /** How many access tokens were issued. */
  get tokensIssued(): number {
    return this.tokenSerial;
  }

  /** The `sync_msg` requests received, in order. */
  syncRequests(): FakeKfRequest[] {
    return this.requests.filter((r) => r.path === '/cgi-bin/kf/sync_msg');
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    this.requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    if (url.pathname === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpsecret') !== this.secret) return { errcode: 40001, errmsg: 'invalid credential' };
      this.validToken = `token-${++this.tokenSerial}`;
      return { errcode: 0, errmsg: 'ok', access_token: this.validToken, expires_in: 7200 };
    }
    if (url.searchParams.get('access_token') !== this.validToken) return { errcode: 42001, errmsg: 'access_token expired' };
    if (url.pathname === '/cgi-bin/kf/sync_msg') {
      const page = this.pages.get(typeof body?.cursor === 'string' ? body.cursor : '');
      if (!page) return { errcode: 0, errmsg: 'ok', next_cursor: '', has_more: 0, msg_list: [] };
      return { errcode: 0, errmsg: 'ok', next_cursor: page.nextCursor, has_more: page.hasMore ? 1 : 0, msg_list: page.messages };
    }
    if (url.pathname === '/cgi-bin/kf/send_msg') return this.send(body ?? {});
    if (url.pathname === '/cgi-bin/kf/service_state/trans') {
      this.transitions.push(body ?? {});
      return { errcode: 0, errmsg: 'ok', msg_code: 'MSG_CODE' };
    }
    return { errcode: 404, errmsg: 'not found' };
  }

  /** The texts sent to one customer, in order. */
  textsTo(touser: string): string[] {
    return this.sent.filter((s) => s.touser === touser).map((s) => s.content);
  }

  private send(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const failure = this.failSends.shift();
    if (failure !== undefined) return { errcode: failure, errmsg: 'injected failure' };
    const { touser, open_kfid: openKfid, msgtype, text, msgid } = body as { touser?: unknown; open_kfid?: unknown; msgtype?: unknown; text?: { content?: unknown }; msgid?: unknown };
    if (typeof touser !== 'string' || typeof openKfid !== 'string' || msgtype !== 'text' || typeof text?.content !== 'string') {
      return { errcode: 40058, errmsg: 'invalid parameter' };
    }
    if (this.sent.filter((s) => s.touser === touser && s.openKfid === openKfid).length >= this.sendQuota) {
      return { errcode: 95001, errmsg: 'send msg count limit' };
    }
    const id = typeof msgid === 'string' && msgid ? msgid : `fake-${this.sent.length + 1}`;
    this.sent.push({ openKfid, touser, msgid: id, content: text.content });
    return { errcode: 0, errmsg: 'ok', msgid: id };
  }
}

/** A customer's text message as `sync_msg` lists it. */
export function kfText(msgid: string, externalUserid: string, openKfid: string, content: string, sendTime = 1_700_000_000): KfMessage {
  return { msgid, open_kfid: openKfid, external_userid: externalUserid, send_time: sendTime, origin: 3, msgtype: 'text', text: { content } };
}

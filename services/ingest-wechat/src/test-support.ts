// Test-only wiring: the app on the testkit's NATS with names unique to one test.
import pino from 'pino';
import { ContactRecord } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { createContactPublisher, createIngestBus, ReplayGuard, type IngestBus } from '@switchboard/ingest-kit';
import { ensureStreams, type BusNames } from '@switchboard/bus';
import { createTestScope, type TestScope } from '@switchboard/testkit';
import { KvCursorStore, sha1Signature } from '@switchboard/wechat';
import type { NatsConnection } from 'nats';
import { buildApp, type WeChatApp } from './app.js';
import type { WeChatConfig } from './config.js';
import { ConversationStore } from './conversations.js';
import type { NoticePacing } from './kf-notice-plan.js';
import { KfReplyStore } from './kf-replies.js';

/** Official Account and WeCom settings used across the tests (WeCom: Tencent's sample account). */
export const OA = { token: 'oa-token', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wx2c2769f8efd9abc2' };
export const WORK = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wx5823bf96d3bd56c7' };

/** Bus names unique to a scope. */
export function namesFor(scope: TestScope): BusNames {
  return {
    contactsStream: scope.stream('CONTACTS'),
    routingStream: scope.stream('ROUTING'),
    deadLetterStream: scope.stream('DEADLETTER'),
    subjectRoot: `t${scope.id}`,
  };
}

/** A built app with its bus; `records()` reads back what reached the contacts stream. */
export interface TestApp {
  readonly app: WeChatApp;
  readonly bus: IngestBus;
  readonly names: BusNames;
  readonly conversations: ConversationStore;
  /** Sets the replay guard's clock (Unix seconds), for recorded samples; undefined: the real clock. */
  setClock(seconds: number | undefined): void;
  count(): Promise<number>;
  records(): Promise<ContactRecord[]>;
}

/** Options of {@link startTestApp} beyond the config. */
export interface TestAppOptions {
  /** Texts back to kf customers, with this pacing (default the production one). */
  readonly kfReplies?: { readonly pacing?: NoticePacing };
}

/** Builds the app on `nc` with streams and KV buckets named for `scope`. */
export async function startTestApp(
  nc: NatsConnection, scope: TestScope, overrides: Partial<WeChatConfig> = {}, apiBase = 'http://127.0.0.1:9', options: TestAppOptions = {},
): Promise<TestApp> {
  const names = namesFor(scope);
  const bus = await createIngestBus(nc, names);
  await ensureStreams(bus.jsm, names);
  const upper = scope.id.toUpperCase();
  const conversations = await ConversationStore.open(nc, `CONV_${upper}`, () => bus.isConnected());
  const cursors = await KvCursorStore.open(nc, `KFCUR_${upper}`);
  let clock: number | undefined;
  const replay = await ReplayGuard.open(nc, { bucket: `WXREPLAY_${upper}`, isConnected: () => bus.isConnected(), nowSeconds: () => clock ?? Date.now() / 1000 });
  const config: WeChatConfig = {
    // Plain mode by default: with an AES key configured, plain-mode posts are refused.
    oa: { token: OA.token },
    work: { token: WORK.token, aesKey: WORK.aesKey, corpId: WORK.corpId, kfSecret: 'kf-secret', apiBase },
    ...overrides,
  };
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    publisher: createContactPublisher(bus, { timeoutMs: 1_000 }),
    conversations,
    cursors,
    domain: scope.domain,
    config,
    readiness: () => bus.ready(),
    busConnected: () => bus.isConnected(),
    replay,
    rateLimit: false,
    kfRetryDelaysMs: [],
    ...(options.kfReplies
      ? { kfReplies: { bus, store: await KfReplyStore.open(nc, `KFREP_${upper}`, () => bus.isConnected()), ...(options.kfReplies.pacing ? { pacing: options.kfReplies.pacing } : {}) } }
      : {}),
  });
  const count = async () => (await bus.jsm.streams.info(names.contactsStream)).state.messages;
  return {
    app,
    bus,
    names,
    conversations,
    setClock: (seconds) => { clock = seconds; },
    count,
    async records() {
      const out: ContactRecord[] = [];
      const total = await count();
      for (let seq = 1; seq <= total; seq++) {
        out.push(ContactRecord.decode((await bus.jsm.streams.getMessage(names.contactsStream, { seq })).data));
      }
      return out;
    },
  };
}

/** Now, in Unix seconds, as WeChat stamps callbacks. */
export const nowStamp = (): string => String(Math.floor(Date.now() / 1000));

/** A fresh nonce: each callback WeChat sends has its own. */
export const freshNonce = (): string => String(randomBytes(4).readUInt32BE());

/** The query of a plain-mode callback signed with `token`, stamped now with a fresh nonce by default. */
export function plainQuery(token: string, timestamp = nowStamp(), nonce = freshNonce()): string {
  return `signature=${sha1Signature([token, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}`;
}

/** The query of an encrypted callback: msg_signature over the Encrypt text (now, fresh nonce by default). */
export function msgQuery(token: string, encrypt: string, timestamp = nowStamp(), nonce = freshNonce()): string {
  return `msg_signature=${sha1Signature([token, timestamp, nonce, encrypt])}&timestamp=${timestamp}&nonce=${nonce}`;
}

/** A plain Official Account text message. */
export function oaText(msgId: string, from = 'oUserAAAAAAAAAAAAAAAAAAAAAAAA', content = 'hello', createTime = 1_700_000_000): string {
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

/** Used by tests that need a fresh scope per case. */
export { createTestScope };

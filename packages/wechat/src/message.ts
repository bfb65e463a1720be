import { createHash } from 'node:crypto';
import { WeChatErrorCode, WeChatProtocolError } from './errors.js';
import { optionalField, requireField, type WeChatXml } from './xml.js';

/** A customer's message from an Official Account or WeCom callback. */
export interface WeChatMessage {
  readonly kind: 'message';
  /** 64-bit MsgId as a string: WeChat's idempotency key. */
  readonly msgId: string;
  /** openid (Official Account) or userid (WeCom): personal data, never logged in clear. */
  readonly fromUser: string;
  /** The account: gh_… id or CorpID. */
  readonly toUser: string;
  /** Seconds since the epoch. */
  readonly createTime: number;
  /** text, image, voice, video, shortvideo, location, link… */
  readonly msgType: string;
  readonly content?: string;
  readonly agentId?: string;
}

/** An event (subscribe, click, kf_msg_or_event…): no MsgId. */
export interface WeChatEvent {
  readonly kind: 'event';
  readonly event: string;
  /** Absent on account-level events such as `kf_msg_or_event`. */
  readonly fromUser?: string;
  readonly toUser: string;
  readonly createTime: number;
  /** Every field of the event, for event-specific ones (EventKey, Token, OpenKfId…). */
  readonly fields: WeChatXml;
}

/** What a callback carries. */
export type WeChatInbound = WeChatMessage | WeChatEvent;

const DIGITS = /^\d{1,20}$/;

/**
 * Reads a decrypted (or plain-mode) callback.
 * @throws WeChatProtocolError `WECHAT.BAD_XML` naming the missing or malformed field.
 */
export function readInbound(xml: WeChatXml): WeChatInbound {
  const msgType = requireField(xml, 'MsgType');
  const toUser = requireField(xml, 'ToUserName');
  const createTime = unixSeconds(xml, 'CreateTime');
  if (msgType === 'event') {
    const fromUser = optionalField(xml, 'FromUserName');
    return { kind: 'event', event: requireField(xml, 'Event'), ...(fromUser ? { fromUser } : {}), toUser, createTime, fields: xml };
  }
  const fromUser = requireField(xml, 'FromUserName');
  const content = optionalField(xml, 'Content');
  const agentId = optionalField(xml, 'AgentID');
  return {
    kind: 'message',
    msgId: digits(xml, 'MsgId'),
    fromUser,
    toUser,
    createTime,
    msgType,
    ...(content === undefined ? {} : { content }),
    ...(agentId === undefined ? {} : { agentId }),
  };
}

/**
 * WeChat's deduplication key of a callback: MsgId for messages, FromUserName + CreateTime for
 * events (which have no MsgId), as WeChat's documentation prescribes for its three retries. The
 * event key is hashed so no openid travels in clear in `Nats-Msg-Id` headers.
 */
export function dedupKey(inbound: WeChatInbound): string {
  if (inbound.kind === 'message') return inbound.msgId;
  const digest = createHash('sha256').update(`${inbound.fromUser ?? ''}\n${inbound.createTime}\n${inbound.event}`).digest('hex');
  return `ev-${digest.slice(0, 32)}`;
}

/**
 * Largest CreateTime accepted: WeChat's CreateTime is a 32-bit Unix time. More digits would make
 * an invalid Date (and a contact that cannot be encoded), so it is refused as malformed.
 */
export const MAX_CREATE_TIME = 0xffff_ffff;

function unixSeconds(xml: WeChatXml, name: string): number {
  const value = Number(digits(xml, name));
  if (value > MAX_CREATE_TIME) throw new WeChatProtocolError(WeChatErrorCode.badXml, `field ${name} is not a Unix time in seconds (at most ${MAX_CREATE_TIME})`);
  return value;
}

function digits(xml: WeChatXml, name: string): string {
  const value = requireField(xml, name);
  if (!DIGITS.test(value)) throw new WeChatProtocolError(WeChatErrorCode.badXml, `field ${name} must be digits`);
  return value;
}

import { Channel, Contact, ContactState, ContactUpdate, ContactUpdateKind, type Attribute } from '@switchboard/contracts';

/** Where a WeChat message came from: Official Account, WeCom app, or Customer Service. */
export type WeChatSource = 'oa' | 'work' | 'kf';

/** A customer message, whatever callback or API brought it. */
export interface InboundMessage {
  readonly source: WeChatSource;
  /** AppID / CorpID / open_kfid the customer wrote to. */
  readonly account: string;
  /** openid / userid / external_userid: personal data. */
  readonly customerId: string;
  /** MsgId or kf msgid. */
  readonly messageId: string;
  readonly msgType: string;
  readonly content?: string;
  readonly at: Date;
}

/** Longest summary carried in a contact; the platform keeps the whole message. */
const SUMMARY_LENGTH = 200;

/** The conversation key of a customer with an account. */
export function customerKey(message: Pick<InboundMessage, 'source' | 'account' | 'customerId'>): string {
  return `${message.source}\n${message.account}\n${message.customerId}`;
}

/** The first message of a conversation, as a new contact. */
export function toContact(message: InboundMessage, contactId: string, domain: string): Contact {
  return Contact.fromPartial({
    id: contactId,
    channel: Channel.CHANNEL_WECHAT,
    domain,
    customer: { id: message.customerId },
    conversationId: contactId,
    channelIds: {
      wechatOpenid: message.customerId,
      wechatMsgId: message.messageId,
      ...(message.source === 'kf' ? { wechatOpenKfid: message.account } : {}),
    },
    attributes: attributesOf(message),
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: message.at,
    summary: summaryOf(message),
  });
}

/** A later message of an open conversation, as a MESSAGE update of its contact. */
export function toMessageUpdate(message: InboundMessage, contactId: string, domain: string): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId,
    domain,
    channel: Channel.CHANNEL_WECHAT,
    kind: ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE,
    occurredAt: message.at,
    messageId: message.messageId,
    summary: summaryOf(message),
    attributes: attributesOf(message),
  });
}

/** Any other event of a known contact (ended, abandoned…). */
export function toEventUpdate(
  contactId: string,
  domain: string,
  kind: ContactUpdateKind,
  at: Date,
  attributes: Readonly<Record<string, string>> = {},
): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId,
    domain,
    channel: Channel.CHANNEL_WECHAT,
    kind,
    occurredAt: at,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  });
}

function attributesOf(message: InboundMessage): Attribute[] {
  return [
    { key: 'wechat.source', value: message.source },
    { key: 'wechat.account', value: message.account },
    { key: 'wechat.msg_type', value: message.msgType },
  ];
}

function summaryOf(message: InboundMessage): string {
  const text = message.msgType === 'text' ? (message.content ?? '') : `[${message.msgType}]`;
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ValidationError } from '@switchboard/ingest-kit';
import {
  buildWeChatXml,
  dedupKey,
  parseWeChatXml,
  readInbound,
  verifyPlainSignature,
  type CallbackCrypto,
  type WeChatInbound,
  type WeChatXml,
} from '@switchboard/wechat';
import { endConversation, ingestMessage, type IngestDeps } from './ingest.js';
import { parseRawQuery, requireQuery } from './raw-query.js';
import { translated } from './wechat-errors.js';

/** Official Account settings: plain mode needs the token; safe mode adds the AES key and AppID. */
export interface OaSettings {
  readonly token: string;
  /** Present when safe mode (`encrypt_type=aes`) is configured. */
  readonly crypto?: CallbackCrypto;
  /** Text sent back to a customer whose message opened a contact; none → plain `success`. */
  readonly autoReply?: string;
  /** Seconds since the epoch, for reply CreateTime; injectable for tests. */
  readonly now?: () => number;
}

/**
 * `GET /wechat/oa` answers the server-address check (echostr after the signature check);
 * `POST /wechat/oa` takes messages in plain or safe mode. A message is published before we
 * answer — the JetStream ack takes milliseconds, well inside WeChat's 5 s — and answered
 * `success`, or with an (encrypted, in safe mode) auto-reply when one is configured.
 */
export function registerOaRoutes(app: FastifyInstance, deps: IngestDeps, settings: OaSettings, logger: Logger): void {
  app.get('/wechat/oa', async (request, reply) => {
    const echo = await translated(() => {
      const q = requireQuery(parseRawQuery(request.url), ['signature', 'timestamp', 'nonce', 'echostr']);
      verifyPlainSignature(settings.token, q);
      return q.echostr;
    });
    return reply.type('text/plain').send(echo);
  });

  app.post('/wechat/oa', async (request, reply) => {
    const { inbound, safe, query } = await translated(() => openOa(request, settings));
    const opened = await translated(() => handleInbound(deps, inbound));
    logger.info({ source: 'oa', kind: inbound.kind, contactId: opened?.contactId, isNew: opened?.isNew }, 'wechat callback');
    if (!opened?.isNew || !settings.autoReply || inbound.kind !== 'message') return reply.type('text/plain').send('success');
    const replyXml = buildWeChatXml({
      ToUserName: inbound.fromUser,
      FromUserName: inbound.toUser,
      CreateTime: (settings.now ?? (() => Math.floor(Date.now() / 1000)))(),
      MsgType: 'text',
      Content: settings.autoReply,
    });
    const body = safe && settings.crypto ? settings.crypto.seal(replyXml, query.timestamp, query.nonce) : replyXml;
    return reply.type('application/xml').send(body);
  });
}

function openOa(request: FastifyRequest, settings: OaSettings): { inbound: WeChatInbound; safe: boolean; query: { timestamp: string; nonce: string } } {
  const query = parseRawQuery(request.url);
  const body = bodyText(request);
  let xml: WeChatXml;
  const safe = query.encrypt_type === 'aes';
  if (safe) {
    if (!settings.crypto) throw new ValidationError('encrypt_type', 'unsupported', 'safe mode is not configured for this account');
    const q = requireQuery(query, ['msg_signature', 'timestamp', 'nonce']);
    xml = settings.crypto.open({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce }, body);
  } else {
    const q = requireQuery(query, ['signature', 'timestamp', 'nonce']);
    verifyPlainSignature(settings.token, q);
    xml = parseWeChatXml(body);
  }
  const q = requireQuery(query, ['timestamp', 'nonce']);
  return { inbound: readInbound(xml), safe, query: q };
}

/** Messages open or continue a contact; `unsubscribe` ends it; other events open nothing. */
async function handleInbound(deps: IngestDeps, inbound: WeChatInbound) {
  if (!inbound.fromUser) return undefined;
  const who = { source: 'oa' as const, account: inbound.toUser, customerId: inbound.fromUser };
  const at = new Date(inbound.createTime * 1000);
  if (inbound.kind === 'message') {
    return ingestMessage(deps, {
      ...who,
      messageId: inbound.msgId,
      msgType: inbound.msgType,
      ...(inbound.content === undefined ? {} : { content: inbound.content }),
      at,
    });
  }
  if (inbound.event === 'unsubscribe') {
    const contactId = await endConversation(deps, who, dedupKey(inbound), at, { 'wechat.event': inbound.event });
    return contactId ? { contactId, isNew: false, duplicate: false } : undefined;
  }
  return undefined;
}

/**
 * The body as text. WeChat posts `text/xml`; the kit's raw parser hands it over as a Buffer.
 * @throws ValidationError when there is none.
 */
export function bodyText(request: FastifyRequest): string {
  const body = request.body;
  if (Buffer.isBuffer(body) && body.length > 0) return body.toString('utf8');
  if (typeof body === 'string' && body.length > 0) return body;
  throw new ValidationError('(body)', 'required', 'an XML body is required');
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AuthError, ValidationError, type ReplayGuard } from '@switchboard/ingest-kit';
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
import { parseRawQuery, requireQuery, requireSigned } from './raw-query.js';
import { admitCallback } from './replay.js';
import { translated } from './wechat-errors.js';

/** Official Account settings: plain mode needs the token; safe mode adds the AES key and AppID. */
export interface OaSettings {
  readonly token: string;
  /** Present when safe mode (`encrypt_type=aes`) is configured. */
  readonly crypto?: CallbackCrypto;
  /** Timestamp window and nonce memory of the callbacks. */
  readonly replay: ReplayGuard;
  /** The account's name in the nonce memory (`wechat-oa:<AppID>`). */
  readonly source: string;
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
      const q = requireSigned(parseRawQuery(request.url), ['signature', 'timestamp', 'nonce']);
      verifyPlainSignature(settings.token, q);
      const echostr = requireQuery(parseRawQuery(request.url), ['echostr']).echostr;
      return echostr;
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

/**
 * Authenticates, then reads, a POST. Safe mode configured means safe mode required: a plain-mode
 * post (whose signature does not cover the body) is refused with 401, so a configured AES key
 * cannot be bypassed by dropping `encrypt_type`. Plain mode verifies the query's signature and
 * the nonce before the body is parsed at all; safe mode must read the envelope's Encrypt field to
 * verify `msg_signature` (it signs that text), and decrypts only after it verified.
 */
async function openOa(request: FastifyRequest, settings: OaSettings): Promise<{ inbound: WeChatInbound; safe: boolean; query: { timestamp: string; nonce: string } }> {
  const query = parseRawQuery(request.url);
  const safe = query.encrypt_type === 'aes';
  if (settings.crypto && !safe) {
    throw new AuthError('missing', 'safe mode is configured for this account: POST with encrypt_type=aes and msg_signature (plain-mode posts are refused)');
  }
  const body = bodyText(request);
  let xml: WeChatXml;
  if (safe) {
    if (!settings.crypto) throw new ValidationError('encrypt_type', 'unsupported', 'safe mode is not configured for this account');
    const q = requireSigned(query, ['msg_signature', 'timestamp', 'nonce']);
    xml = settings.crypto.open({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce }, body);
    await admitCallback(settings.replay, { source: settings.source, timestamp: q.timestamp, nonce: q.nonce }, body);
  } else {
    const q = requireSigned(query, ['signature', 'timestamp', 'nonce']);
    verifyPlainSignature(settings.token, q);
    await admitCallback(settings.replay, { source: settings.source, timestamp: q.timestamp, nonce: q.nonce }, body);
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

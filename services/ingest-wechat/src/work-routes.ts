import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { BusUnavailableError } from '@switchboard/bus';
import type { ReplayGuard } from '@switchboard/ingest-kit';
import { requireField, readInbound, type CallbackCrypto } from '@switchboard/wechat';
import { ingestMessage, type IngestDeps } from './ingest.js';
import type { KfPuller } from './kf-puller.js';
import { bodyText } from './oa-routes.js';
import { parseRawQuery, requireQuery, requireSigned } from './raw-query.js';
import { admitCallback } from './replay.js';
import { translated } from './wechat-errors.js';

/** WeCom app settings; `kf` is present when WeChat Customer Service is configured. */
export interface WorkSettings {
  readonly crypto: CallbackCrypto;
  readonly kf?: KfPuller;
  /** Timestamp window and nonce memory of the callbacks. */
  readonly replay: ReplayGuard;
  /** The app's name in the nonce memory (`wechat-work:<CorpID>`). */
  readonly source: string;
  /** Whether NATS is reachable now; a kf trigger is refused (503) while it is not. */
  readonly busConnected: () => boolean;
}

/**
 * `GET /wechat/work`: URL verification (decrypted echostr is the whole answer).
 * `POST /wechat/work`: WeCom messages (published before answering `success`) and the kf trigger
 * `kf_msg_or_event`, acknowledged at once while the `sync_msg` pull runs after the answer.
 */
export function registerWorkRoutes(app: FastifyInstance, deps: IngestDeps, settings: WorkSettings, logger: Logger): void {
  app.get('/wechat/work', async (request, reply) => {
    const plain = await translated(() => {
      const query = parseRawQuery(request.url);
      const q = { ...requireSigned(query, ['msg_signature', 'timestamp', 'nonce']), ...requireQuery(query, ['echostr']) };
      return settings.crypto.verifyUrl({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, echostr: q.echostr });
    });
    return reply.type('text/plain').send(plain);
  });

  app.post('/wechat/work', async (request, reply) => {
    const inbound = await translated(async () => {
      const q = requireSigned(parseRawQuery(request.url), ['msg_signature', 'timestamp', 'nonce']);
      const body = bodyText(request);
      const xml = settings.crypto.open({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce }, body);
      await admitCallback(settings.replay, { source: settings.source, timestamp: q.timestamp, nonce: q.nonce }, body);
      return readInbound(xml);
    });
    if (inbound.kind === 'event') {
      if (inbound.event === 'kf_msg_or_event' && settings.kf) {
        const { token, openKfid } = await translated(() => ({
          token: requireField(inbound.fields, 'Token'),
          openKfid: requireField(inbound.fields, 'OpenKfId'),
        }));
        // The pull publishes after we answer; with NATS down now, ask WeChat to trigger again.
        if (!settings.busConnected()) throw new BusUnavailableError('NATS is disconnected');
        settings.kf.trigger(openKfid, token);
        logger.info({ source: 'kf', openKfid }, 'kf trigger');
      }
      return reply.type('text/plain').send('success');
    }
    const ingested = await ingestMessage(deps, {
      source: 'work',
      account: inbound.toUser,
      customerId: inbound.fromUser,
      messageId: inbound.msgId,
      msgType: inbound.msgType,
      ...(inbound.content === undefined ? {} : { content: inbound.content }),
      at: new Date(inbound.createTime * 1000),
    });
    logger.info({ source: 'work', contactId: ingested.contactId, isNew: ingested.isNew, duplicate: ingested.duplicate }, 'wechat callback');
    return reply.type('text/plain').send('success');
  });
}

import type { Subscription } from 'nats';
import type { Logger } from 'pino';
import { customerSubject } from '@switchboard/bus';
import { CustomerNotice } from '@switchboard/contracts';
import type { IngestBus } from './bus-link.js';

/** Options of {@link followCustomerNotices}. */
export interface CustomerNoticeOptions {
  readonly bus: IngestBus;
  readonly domain: string;
  /** The channel token (`phone`, `chat`, `wechat`). */
  readonly channel: string;
  readonly logger: Logger;
  /**
   * Set when one replica of the service should deliver each notice (a WeChat text, a webhook to
   * the telephony platform); unset when every replica hears every notice (the one holding the
   * chat visitor's socket delivers, every phone replica answers Twilio's wait URL).
   */
  readonly queueGroup?: string;
  /** Delivers one notice; a failure is logged, never retried (the next notice replaces it). */
  readonly deliver: (notice: CustomerNotice) => Promise<void> | void;
}

/**
 * Subscribes to the position notices queue-service's announcer publishes for a channel
 * (`<root>.customer.<domain>.<channel>`, core NATS). Notices are not records: one lost in a
 * reconnect is replaced by the next, at the queue's announcement cadence.
 */
export function followCustomerNotices(options: CustomerNoticeOptions): Subscription {
  const log = options.logger.child({ component: 'customer-notices', channel: options.channel });
  const subject = customerSubject(options.bus.names, options.domain, options.channel);
  return options.bus.nc.subscribe(subject, {
    ...(options.queueGroup ? { queue: options.queueGroup } : {}),
    callback: (error, msg) => {
      if (error) {
        log.warn({ err: error }, 'customer notice subscription failed');
        return;
      }
      let notice: CustomerNotice;
      try {
        notice = CustomerNotice.decode(msg.data);
      } catch (decodeError) {
        log.warn({ err: decodeError, subject: msg.subject }, 'not a CustomerNotice');
        return;
      }
      void Promise.resolve()
        .then(() => options.deliver(notice))
        .catch((deliverError: unknown) => log.warn({ err: deliverError, contactId: notice.contactId }, 'customer notice not delivered'));
    },
  });
}

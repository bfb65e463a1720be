import type { Logger } from 'pino';
import type { DurableConsumer } from '@switchboard/bus';
import { followCustomerNotices, followRoutingEvents, SURVEY_OFFERED_EVENT, type IngestBus } from '@switchboard/ingest-kit';
import { sendKfSurvey } from './kf-survey.js';
import type { WeChatApiClient } from '@switchboard/wechat';
import type { ConversationStore } from './conversations.js';
import type { NoticePacing } from './kf-notice-plan.js';
import { KfNotifier } from './kf-notifier.js';
import type { KfReplyStore } from './kf-replies.js';

/** What {@link startKfNotices} needs. */
export interface KfNoticesOptions {
  readonly bus: IngestBus;
  readonly domain: string;
  readonly replies: KfReplyStore;
  readonly conversations: ConversationStore;
  readonly client: Pick<WeChatApiClient, 'sendText'>;
  readonly logger: Logger;
  readonly pacing?: NoticePacing;
  readonly now?: () => number;
}

/** The running subscriptions; `close` stops them (in-flight sends finish). */
export interface KfNotices {
  readonly notifier: KfNotifier;
  close(): Promise<void>;
}

/** The routing events whose customer is told the queue's action, each with its durable consumer. */
const EXCEPTION_EVENTS = [['ContactRejected', 'rejected'], ['ContactExpired', 'expired']] as const;

/**
 * Starts talking back to kf customers: position notices in the queue group `ingest-wechat-kf`
 * (one replica sends each) and durable followers of ContactRejected and ContactExpired
 * (`ingest-wechat-<domain>-rejected` / `-expired`, shared by the replicas), and of SurveyOffered
 * (`-survey-offered`, see kf-survey.ts), whose failed sends have the batch redelivered with backoff.
 */
export async function startKfNotices(options: KfNoticesOptions): Promise<KfNotices> {
  const notifier = new KfNotifier(options);
  const subscription = followCustomerNotices({
    bus: options.bus,
    domain: options.domain,
    channel: 'wechat',
    logger: options.logger,
    queueGroup: 'ingest-wechat-kf',
    deliver: (notice) => notifier.deliverNotice(notice),
  });
  const followers: DurableConsumer[] = [];
  try {
    for (const [event, suffix] of EXCEPTION_EVENTS) {
      followers.push(await followRoutingEvents({
        bus: options.bus,
        domain: options.domain,
        event,
        durable: `ingest-wechat-${options.domain}-${suffix}`,
        logger: options.logger,
        handle: (e) => notifier.sendException(e),
      }));
    }
    const surveys = { ...options, now: options.now ?? Date.now };
    followers.push(await followRoutingEvents({
      bus: options.bus, domain: options.domain, event: SURVEY_OFFERED_EVENT, durable: `ingest-wechat-${options.domain}-survey-offered`,
      logger: options.logger, handle: (e) => sendKfSurvey(surveys, e),
    }));
  } catch (error) {
    subscription.unsubscribe();
    await Promise.all(followers.map((f) => f.stop()));
    throw error;
  }
  return {
    notifier,
    async close() {
      subscription.unsubscribe();
      await Promise.all(followers.map((f) => f.stop()));
    },
  };
}

import type { Subscription } from 'nats';
import { callbackOfferText, customerLanguage, followCustomerNotices, positionText, sayLanguage } from '@switchboard/ingest-kit';
import type { PhoneFollowerDeps } from './follower-deps.js';

/**
 * The phone channel's position notices. Every replica hears every notice (no queue group) and
 * keeps the newest per contact in its bounded NoticeCache, whichever replica Twilio's wait URL
 * reaches then says it. With a generic platform configured, one replica of the queue group
 * `ingest-phone-<domain>-platform` also posts each notice of a generic platform's call to it.
 */
export function followPhoneNotices(deps: PhoneFollowerDeps): Subscription[] {
  const subscriptions = [followCustomerNotices({
    bus: deps.bus, domain: deps.domain, channel: 'phone', logger: deps.logger,
    deliver: (notice) => deps.notices.put(notice),
  })];
  const platform = deps.platform;
  if (!platform) return subscriptions;
  subscriptions.push(followCustomerNotices({
    bus: deps.bus, domain: deps.domain, channel: 'phone', logger: deps.logger, queueGroup: `ingest-phone-${deps.domain}-platform`,
    async deliver(notice) {
      const call = await deps.calls.get(notice.contactId);
      if (!call || call.platform !== 'generic' || call.ended || call.callbackRequested) return;
      const language = customerLanguage(notice.language || call.language || undefined, deps.defaultLanguage);
      const offered = !notice.callbackRequested;
      await platform.post({
        type: 'position', contactId: notice.contactId, callId: call.callId, position: notice.position,
        estimatedWaitSeconds: notice.estimatedWaitSeconds, waitedSeconds: notice.waitedSeconds, language: sayLanguage(language),
        text: positionText(language, notice.position, notice.estimatedWaitSeconds),
        ...(offered ? { offerText: callbackOfferText(language, 'press-1') } : {}),
      });
    },
  }));
  return subscriptions;
}

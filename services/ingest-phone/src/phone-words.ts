import type { CustomerLanguage } from '@switchboard/ingest-kit';

/*
 * Sentences only the phone channel says (the shared ones — position, callback offer and
 * confirmation, exception messages — are ingest-kit's customer-messages). Kept here, once, for
 * every phone platform: Twilio's <Say> and the generic platform's webhook speak the same text.
 */

/** Before the first position notice of a call has arrived. */
export function pleaseHoldText(language: CustomerLanguage): string {
  return language === 'zh' ? '请稍候，我们正在为您安排客服。' : 'Please hold while we find an agent for you.';
}

/** The caller pressed 1, but the number they call from is not one we can dial (withheld, not E.164). */
export function callbackNumberRefusedText(language: CustomerLanguage): string {
  return language === 'zh'
    ? '抱歉，我们无法回拨您当前的号码。请继续等待，我们会尽快为您接通。'
    : 'We are sorry, we cannot call you back on this number. Please stay on the line.';
}

/** The caller pressed a key that is not a score (ask once more). */
export function surveyRetryText(language: CustomerLanguage): string {
  return language === 'zh' ? '请按1到5中的一个数字键。' : 'Please press a key from 1 to 5.';
}

/** The survey ends without an answer. */
export function surveyGoodbyeText(language: CustomerLanguage): string {
  return language === 'zh' ? '感谢您的来电，再见。' : 'Thank you for calling. Goodbye.';
}

/** The customer answered our callback: said before the agent's line rings. */
export function callbackConnectingText(language: CustomerLanguage): string {
  return language === 'zh' ? '您好，这是您预约的回电，正在为您接通客服。' : 'Hello, this is the callback you asked for. Connecting you to an agent now.';
}

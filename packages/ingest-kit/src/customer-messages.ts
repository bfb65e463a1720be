import type { CustomerAction } from '@switchboard/routing-core';

/**
 * What the waiting customer reads or hears, in their language. Every channel renders the same
 * words (spoken by Twilio's <Say>, a chat system frame, a WeChat text, an email acknowledgment),
 * so a caller and a chat visitor are told the same thing. zh and en are built in; a queue's own
 * words (CustomerAction.message) win over these; other languages fall back to English.
 */
export type CustomerLanguage = 'zh' | 'en';

/** The built-in language closest to a BCP 47 tag ("zh-CN", "zh-Hans", "en-GB"...); `fallback` for the others. */
export function customerLanguage(tag: string | undefined, fallback: CustomerLanguage = 'zh'): CustomerLanguage {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh';
  if (primary === 'en') return 'en';
  return primary ? 'en' : fallback;
}

/** Minutes to say, rounded up (a customer told "0 minutes" waits anyway). */
function minutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** "You are number 3 in the queue; about 4 minutes." */
export function positionText(language: CustomerLanguage, position: number, estimatedWaitSeconds: number): string {
  const m = minutes(estimatedWaitSeconds);
  return language === 'zh'
    ? `您前面还有${Math.max(0, position - 1)}位客户，您排在第${position}位，预计等待约${m}分钟。`
    : `You are number ${position} in the queue. The expected wait is about ${m} minute${m === 1 ? '' : 's'}.`;
}

/** The callback offer of the wait flow; `how` is the channel's way to accept it. */
export function callbackOfferText(language: CustomerLanguage, how: 'press-1' | 'leave-number'): string {
  if (language === 'zh') return how === 'press-1' ? '如需保留排队位置并由我们回电，请按1。' : '如需保留排队位置并由我们回电，请留下您的电话号码。';
  return how === 'press-1'
    ? 'To keep your place and have us call you back, press 1.'
    : 'To keep your place and have us call you back, leave your phone number.';
}

/** Said once the customer asked for a callback. */
export function callbackConfirmedText(language: CustomerLanguage): string {
  return language === 'zh'
    ? '好的，您的排队位置已保留，轮到您时客服将回电给您。再见。'
    : 'Thank you. Your place in the queue is kept, and an agent will call you back when it is your turn. Goodbye.';
}

/**
 * Said once a customer whose wait ended (closed, full, expired) left a way to reach them: an email
 * address (an agent replies by email) or a phone number (an agent calls back; the place was lost).
 */
export function followUpConfirmedText(language: CustomerLanguage, how: 'email' | 'callback'): string {
  if (language === 'zh') return how === 'email' ? '感谢您留下邮箱地址，我们会尽快通过邮件回复您。' : '感谢您留下电话号码，我们会尽快回电给您。';
  return how === 'email' ? 'Thank you. We will reply to you by email as soon as we can.' : 'Thank you. We will call you back as soon as we can.';
}

/** Why routing could not serve the customer, as the customer's action describes it. */
export type ExceptionReason = 'CLOSED' | 'MAX_WAIT' | 'QUEUE_FULL' | 'CALLBACK_FAILED';

const DEFAULTS: Record<CustomerLanguage, Record<ExceptionReason, string>> = {
  zh: {
    CLOSED: '您好，现在是非工作时间，我们暂时无法接待。',
    MAX_WAIT: '非常抱歉，目前所有客服都在忙，您已等待较长时间。',
    QUEUE_FULL: '非常抱歉，目前咨询人数较多，暂时无法排队。',
    CALLBACK_FAILED: '非常抱歉，我们多次回电未能联系到您。',
  },
  en: {
    CLOSED: 'Thank you for contacting us. We are closed right now.',
    MAX_WAIT: 'We are sorry: all our agents are still busy and you have waited a long time.',
    QUEUE_FULL: 'We are sorry: our queue is full right now.',
    CALLBACK_FAILED: 'We are sorry: we tried to call you back but could not reach you.',
  },
};

const FOLLOW_UP: Record<CustomerLanguage, Record<CustomerAction['kind'], string>> = {
  zh: {
    MESSAGE: '请稍后再联系我们。',
    OVERFLOW: '请稍后再联系我们。',
    CALLBACK_OFFER: '如需我们回电，请按1或留下您的电话号码。',
    VOICEMAIL: '请在提示音后留言，我们会尽快回复您。',
    LEAVE_EMAIL: '您可以留下电子邮箱地址，我们会通过邮件回复您。',
  },
  en: {
    MESSAGE: 'Please contact us again later.',
    OVERFLOW: 'Please contact us again later.',
    CALLBACK_OFFER: 'To be called back, press 1 or leave your phone number.',
    VOICEMAIL: 'Please leave a message after the tone and we will get back to you.',
    LEAVE_EMAIL: 'You can leave your email address and we will reply by email.',
  },
};

/**
 * The message of an exception action: the queue's own words for the language when it has them,
 * else the built-in sentence for the reason followed by what the customer can do now.
 */
export function actionText(language: CustomerLanguage, reason: ExceptionReason, action: CustomerAction): string {
  const own = action.message?.[language] ?? (language === 'zh' ? action.message?.['zh-CN'] : action.message?.['en-US']);
  if (own) return own;
  return `${DEFAULTS[language][reason]}${language === 'zh' ? '' : ' '}${FOLLOW_UP[language][action.kind]}`;
}

/** The language tag Twilio's <Say> speaks the text in. */
export function sayLanguage(language: CustomerLanguage): string {
  return language === 'zh' ? 'zh-CN' : 'en-US';
}

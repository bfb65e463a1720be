import { describe, expect, it } from 'vitest';
import { actionText, callbackOfferText, customerLanguage, followUpConfirmedText, positionText } from './customer-messages.js';

describe('customer messages', () => {
  it('picks zh or en from a BCP 47 tag, English for other languages, the fallback without one', () => {
    expect([customerLanguage('zh-CN'), customerLanguage('zh_Hans'), customerLanguage('en-GB'), customerLanguage('fr'), customerLanguage(undefined), customerLanguage('', 'en')])
      .toEqual(['zh', 'zh', 'en', 'en', 'zh', 'en']);
  });

  it('tells position and wait in whole minutes, never zero', () => {
    expect(positionText('en', 3, 125)).toBe('You are number 3 in the queue. The expected wait is about 3 minutes.');
    expect(positionText('en', 1, 0)).toBe('You are number 1 in the queue. The expected wait is about 1 minute.');
    expect(positionText('zh', 2, 61)).toBe('您前面还有1位客户，您排在第2位，预计等待约2分钟。');
    expect(callbackOfferText('en', 'press-1')).toMatch(/press 1/);
  });

  it("prefers the queue's own words, else says why and what the customer can do", () => {
    expect(actionText('zh', 'CLOSED', { kind: 'MESSAGE', message: { zh: '国庆节放假', en: 'Closed for the holiday' } })).toBe('国庆节放假');
    expect(actionText('en', 'CLOSED', { kind: 'LEAVE_EMAIL' })).toBe('Thank you for contacting us. We are closed right now. You can leave your email address and we will reply by email.');
    expect(actionText('zh', 'MAX_WAIT', { kind: 'VOICEMAIL' })).toMatch(/^非常抱歉.*留言/);
  });

  it('confirms a follow-up by email or callback in both languages', () => {
    expect(followUpConfirmedText('en', 'email')).toMatch(/by email/);
    expect(followUpConfirmedText('zh', 'callback')).toMatch(/回电/);
  });
});

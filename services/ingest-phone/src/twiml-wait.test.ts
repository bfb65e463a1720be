import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { actionText, callbackOfferText, positionText } from '@switchboard/ingest-kit';
import { exceptionTwiml, phoneException } from './exception-twiml.js';
import { backToWaitTwiml, callbackConfirmedTwiml, callbackConnectTwiml, LEAVE_QUEUE_TWIML, waitTwiml } from './twiml-wait.js';
import { escapeXml, holdInQueueTwiml } from './twiml.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, isArray: (name, _p, _l, isAttribute) => !isAttribute && name !== 'Response' });
type Verb = Record<string, unknown> & { '#text'?: string };
const parse = (text: string) => (xml.parse(text) as { Response: Record<string, Verb[]> }).Response;

describe('TwiML builders', () => {
  it('escapes the five XML characters in text and attributes', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    const doc = holdInQueueTwiml({ queueName: 'sb-<d>', waitUrl: 'https://x.test/w?a=1&b=2', greeting: 'Hi & <welcome>', language: 'en-US' });
    const r = parse(doc);
    expect(r.Say?.[0]?.['#text']).toBe('Hi & <welcome>');
    expect(r.Enqueue?.[0]?.['@waitUrl']).toBe('https://x.test/w?a=1&b=2');
    expect(r.Enqueue?.[0]?.['#text']).toBe('sb-<d>');
  });

  it('a wait round says position and offer in the caller\'s language inside a one-digit Gather that also holds', () => {
    for (const [lang, tag] of [['zh', 'zh-CN'], ['en', 'en-US']] as const) {
      const doc = waitTwiml({ language: tag, announcement: positionText(lang, 3, 240), offer: { text: callbackOfferText(lang, 'press-1'), action: 'https://p.test/twilio/callback-choice' }, hold: { pauseSeconds: 45 } });
      const gather = parse(doc).Gather?.[0] as Verb;
      expect(gather['@numDigits']).toBe('1');
      expect(gather['@action']).toBe('https://p.test/twilio/callback-choice');
      const says = gather.Say as Verb[];
      expect(says.map((s) => s['@language'])).toEqual([tag, tag]);
      expect(says.map((s) => s['#text'])).toEqual([positionText(lang, 3, 240), callbackOfferText(lang, 'press-1')]);
      expect((gather.Pause as Verb[])[0]?.['@length']).toBe('45');
    }
  });

  it('plays hold music when configured; without a notice, says please hold and pauses, offering nothing', () => {
    const music = parse(waitTwiml({ language: 'en-US', announcement: 'x', offer: { text: 'o', action: 'a' }, hold: { musicUrl: 'https://m.test/a.mp3?x=1&y=2', pauseSeconds: 60 } }));
    expect((music.Gather?.[0]?.Play as string[])[0]).toBe('https://m.test/a.mp3?x=1&y=2');
    const plain = parse(waitTwiml({ language: 'zh-CN', announcement: '请稍候', hold: { pauseSeconds: 60 } }));
    expect(plain.Gather).toBeUndefined();
    expect(plain.Say?.[0]).toMatchObject({ '#text': '请稍候', '@language': 'zh-CN' });
    expect(plain.Pause?.[0]?.['@length']).toBe('60');
  });

  it('confirms and hangs up, redirects back to the wait URL, leaves the queue, connects the agent', () => {
    expect(Object.keys(parse(callbackConfirmedTwiml('好的', 'zh-CN')))).toEqual(['Say', 'Hangup']);
    const back = parse(backToWaitTwiml('https://p.test/twilio/wait', 'cannot', 'en-US'));
    expect(back.Say?.[0]?.['#text']).toBe('cannot');
    expect(back.Redirect?.[0]).toMatchObject({ '#text': 'https://p.test/twilio/wait', '@method': 'POST' });
    expect(parse(backToWaitTwiml('https://p.test/twilio/wait')).Say).toBeUndefined();
    expect(parse(LEAVE_QUEUE_TWIML).Leave).toHaveLength(1);
    const connect = parse(callbackConnectTwiml('Hello', 'en-US', 'agent<1>'));
    expect((connect.Dial?.[0]?.Client as Verb[])[0]).toBe('agent<1>');
  });
});

describe('exception actions on the phone', () => {
  it('MESSAGE is said then hung up, in the caller\'s language, with the queue\'s own words when it has them', () => {
    const own = phoneException('zh', 'CLOSED', { kind: 'MESSAGE', message: { zh: '我们已下班 & 明天见' } });
    expect(own).toEqual({ kind: 'message', text: '我们已下班 & 明天见', language: 'zh-CN' });
    const doc = parse(exceptionTwiml(own, 'https://p.test/twilio/voicemail'));
    expect(Object.keys(doc)).toEqual(['Say', 'Hangup']);
    expect(doc.Say?.[0]?.['#text']).toBe('我们已下班 & 明天见');
    expect(phoneException('en', 'QUEUE_FULL', { kind: 'OVERFLOW' }).kind).toBe('message');
  });

  it('VOICEMAIL records up to 120 s to the voicemail URL; CALLBACK_OFFER and LEAVE_EMAIL on a gone contact become a voicemail', () => {
    const vm = phoneException('en', 'MAX_WAIT', { kind: 'VOICEMAIL' });
    expect(vm).toEqual({ kind: 'voicemail', text: actionText('en', 'MAX_WAIT', { kind: 'VOICEMAIL' }), language: 'en-US' });
    const record = parse(exceptionTwiml(vm, 'https://p.test/twilio/voicemail?a=1&b=2')).Record?.[0] as Verb;
    expect(record).toMatchObject({ '@maxLength': '120', '@action': 'https://p.test/twilio/voicemail?a=1&b=2', '@playBeep': 'true' });
    for (const kind of ['CALLBACK_OFFER', 'LEAVE_EMAIL'] as const) {
      expect(phoneException('zh', 'CLOSED', { kind, message: { zh: '请按1' } })).toEqual({ kind: 'voicemail', text: actionText('zh', 'CLOSED', { kind: 'VOICEMAIL' }), language: 'zh-CN' });
    }
  });
});

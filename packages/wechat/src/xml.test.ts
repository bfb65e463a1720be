import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildWeChatXml, dedupKey, parseWeChatXml, readInbound, WeChatProtocolError } from './index.js';

const TEXT = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>' +
  '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[<!DOCTYPE x> & hi]]></Content>' +
  '<MsgId>18446744073709551615</MsgId></xml>';

describe('WeChat XML', () => {
  it('reads fields, keeps a 64-bit MsgId exact and CDATA verbatim', () => {
    const msg = readInbound(parseWeChatXml(TEXT));
    expect(msg).toMatchObject({ kind: 'message', msgId: '18446744073709551615', content: '<!DOCTYPE x> & hi', createTime: 1700000000 });
  });

  it('refuses a DOCTYPE and entity declarations (XXE, billion laughs)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>';
    const laughs = '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>';
    for (const body of [xxe, laughs, '<!doctype xml><xml/>']) {
      expect(() => parseWeChatXml(body)).toThrow(expect.objectContaining({ code: 'WECHAT.BAD_XML' }));
    }
  });

  it('leaves entity references undecoded', () => {
    expect(parseWeChatXml('<xml><Content>a &amp; &#60;b&#62;</Content></xml>').Content).toBe('a &amp; &#60;b&#62;');
  });

  it('refuses malformed XML, a foreign root and duplicated fields', () => {
    for (const body of ['', '<xml>', '<xml><a></b></xml>', '<root><a>1</a></root>', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>', 'not xml']) {
      expect(() => parseWeChatXml(body), body).toThrow(WeChatProtocolError);
    }
  });

  it('names the missing field', () => {
    expect(() => readInbound(parseWeChatXml('<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>'))).toThrow(/FromUserName/);
    expect(() => readInbound(parseWeChatXml(TEXT.replace('1700000000', '17e8')))).toThrow(/CreateTime must be digits/);
    // Out of range: would be an invalid Date and a contact that cannot be encoded (a 500 before).
    for (const time of ['4294967296', '99999999999999999999']) {
      expect(() => readInbound(parseWeChatXml(TEXT.replace('1700000000', time)))).toThrow(/CreateTime is not a Unix time/);
    }
    expect(readInbound(parseWeChatXml(TEXT.replace('1700000000', '4294967295'))).createTime).toBe(4_294_967_295);
  });

  it('deduplicates events by sender and time, without the openid in clear', () => {
    const event = (time: string) => readInbound(parseWeChatXml(
      `<xml><ToUserName>gh_1</ToUserName><FromUserName>oUserOpenId</FromUserName><CreateTime>${time}</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`,
    ));
    expect(dedupKey(event('1'))).toBe(dedupKey(event('1')));
    expect(dedupKey(event('1'))).not.toBe(dedupKey(event('2')));
    expect(dedupKey(event('1'))).not.toContain('oUserOpenId');
  });

  it('throws only WeChatProtocolError for arbitrary input (property)', () => {
    const xmlish = fc.array(fc.constantFrom('<xml>', '</xml>', '<a>', '</a>', '<![CDATA[', ']]>', '<!DOCTYPE', '&x;', '<?xml?>', 'text', '<', '>', '"'), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(fc.string(), xmlish), (body) => {
      try {
        const fields = parseWeChatXml(body);
        expect(typeof fields).toBe('object');
      } catch (error) {
        expect(error).toBeInstanceOf(WeChatProtocolError);
      }
    }), { numRuns: 500 });
  });

  it('builds XML that parses back, even with "]]>" in a value', () => {
    fc.assert(fc.property(fc.string({ maxLength: 50 }).filter((s) => s.trim() === s), (value) => {
      const xml = buildWeChatXml({ Content: value, CreateTime: 1 });
      expect(parseWeChatXml(xml).Content ?? '').toBe(value);
    }), { numRuns: 200 });
  });
});

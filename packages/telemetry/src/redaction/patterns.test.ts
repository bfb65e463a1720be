import { describe, expect, it } from 'vitest';
import { redactText } from './patterns.js';

describe('redactText', () => {
  it.each([
    ['E.164 China mobile', 'call from +8613800138000 dropped', 'call from [phone] dropped'],
    ['E.164 US', 'caller +14155550100', 'caller [phone]'],
    ['spaced international', 'ring +1 (415) 555-0100 now', 'ring [phone] now'],
    ['dashed international', 'tel +86-138-0013-8000', 'tel [phone]'],
    ['00 international prefix', 'dial 008613800138000', 'dial [phone]'],
    ['NANP with separators', 'cb (415) 555-0100 or 415.555.0100', 'cb [phone] or [phone]'],
    ['China mobile national', '手机13800138000已验证', '手机[phone]已验证'],
    ['China mobile grouped', 'mobile 138 0013 8000', 'mobile [phone]'],
    ['UK national', 'office 020 7946 0958', 'office [phone]'],
    ['China landline', 'desk 010-12345678', 'desk [phone]'],
    ['trunk-prefix mobile', 'uk 07700900123.', 'uk [phone].'],
    ['tel URI', 'tel:+14155550100', 'tel:[phone]'],
    ['email', 'reply to Li.Wei+vip@example.com.cn please', 'reply to [email] please'],
    ['QQ email is an email, not a phone', '13800138000@qq.com', '[email]'],
    ['openid', 'from oLVPpjqs9BhvzwPj5A-vTYAX3GLc', 'from [openid]'],
    ['openid in XML', '<FromUserName><![CDATA[oLVPpjqs9BhvzwPj5A-vTYAX3GLc]]>', '<FromUserName><![CDATA[[openid]]]>'],
    ['external_userid', 'kf user wmAJ2GCAAAXtWyujaWJHDDGi0mACHAAA', 'kf user [openid]'],
  ])('redacts %s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['ISO time', '2025-01-15T10:30:00.000Z'],
    ['epoch ms', 'at 1736936400000'],
    ['epoch s', 'at 1736936400'],
    ['UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['UUID with zero segment', '123e4567-e89b-12d3-a456-012345678901'],
    ['trace id', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['ULID', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['subject', 'sb.contacts.acme.phone'],
    ['IPv4 and port', '10.0.12.7:4222'],
    ['decimal', 'ratio 0.13800138000'],
    ['semver', 'v10.4.0'],
    ['lower-case 28-char word', 'offer_timeout_reached_agents'],
    ['short number', 'queue depth 1234567'],
  ])('leaves %s alone', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

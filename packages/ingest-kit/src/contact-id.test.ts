import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Channel } from '@switchboard/contracts';
import { deterministicContactId, isContactId } from './contact-id.js';

describe('deterministicContactId', () => {
  it('is the same for a retry and differs by domain, channel and key', () => {
    const id = deterministicContactId('acme', Channel.CHANNEL_PHONE, 'CA123');
    expect(deterministicContactId('acme', Channel.CHANNEL_PHONE, 'CA123')).toBe(id);
    expect(deterministicContactId('other', Channel.CHANNEL_PHONE, 'CA123')).not.toBe(id);
    expect(deterministicContactId('acme', Channel.CHANNEL_EMAIL, 'CA123')).not.toBe(id);
    expect(deterministicContactId('acme', Channel.CHANNEL_PHONE, 'CA124')).not.toBe(id);
  });

  it('has a ULID shape for any key', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (key) => {
      expect(isContactId(deterministicContactId('d', Channel.CHANNEL_CHAT, key))).toBe(true);
    }), { numRuns: 200 });
  });

  it('is pinned (stored ids must never change across releases)', () => {
    expect(deterministicContactId('default', Channel.CHANNEL_EMAIL, '<a@b>')).toMatchInlineSnapshot(`"6XNZ1RQV826RTRQ6766TDW77HS"`);
  });

  it('refuses empty parts and unspecified channels', () => {
    expect(() => deterministicContactId('', Channel.CHANNEL_PHONE, 'x')).toThrow(TypeError);
    expect(() => deterministicContactId('d', Channel.CHANNEL_PHONE, '')).toThrow(TypeError);
    expect(() => deterministicContactId('d', Channel.CHANNEL_UNSPECIFIED, 'x')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '@switchboard/ingest-kit';
import { loadChatConfig } from './config.js';
import { sessionToken, verifyIdentifierHash, verifySessionToken } from './session-token.js';

describe('chat config and tokens', () => {
  it('needs a strong session secret and a numeric grace', () => {
    expect(() => loadChatConfig({})).toThrow(IngestConfigError);
    expect(() => loadChatConfig({ CHAT_SESSION_SECRET: 'short' })).toThrow(/32 characters/);
    const secret = 'x'.repeat(32);
    expect(loadChatConfig({ CHAT_SESSION_SECRET: secret, CHAT_ABANDON_GRACE_MS: '500' })).toEqual({ sessionSecret: secret, abandonGraceMs: 500 });
    expect(() => loadChatConfig({ CHAT_SESSION_SECRET: secret, CHAT_ABANDON_GRACE_MS: '5s' })).toThrow(IngestConfigError);
  });

  it('takes a follow-up window of 10 s to 1 h', () => {
    const secret = 'x'.repeat(32);
    expect(loadChatConfig({ CHAT_SESSION_SECRET: secret, CHAT_FOLLOW_UP_WINDOW_MS: '600000' })).toEqual({ sessionSecret: secret, followUpWindowMs: 600_000 });
    for (const bad of ['5000', '7200000', '10m', '0']) {
      expect(() => loadChatConfig({ CHAT_SESSION_SECRET: secret, CHAT_FOLLOW_UP_WINDOW_MS: bad })).toThrow(/CHAT_FOLLOW_UP_WINDOW_MS/);
    }
  });

  it('tokens bind one session to one secret', () => {
    const token = sessionToken('s1', 'cs_a');
    expect(verifySessionToken('s1', 'cs_a', token)).toBe(true);
    expect(verifySessionToken('s1', 'cs_b', token)).toBe(false);
    expect(verifySessionToken('s2', 'cs_a', token)).toBe(false);
    expect(verifySessionToken('s1', 'cs_a', token.slice(1))).toBe(false);
  });

  it('identifier_hash is HMAC-SHA256 hex (RFC 4231 test case 2)', () => {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    const hash = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(verifyIdentifierHash('Jefe', 'what do ya want for nothing?', hash)).toBe(true);
    expect(verifyIdentifierHash('Jefe', 'what do ya want for nothing?', hash.toUpperCase())).toBe(true);
    expect(verifyIdentifierHash('Jefe', 'what do ya want for nothing!', hash)).toBe(false);
  });
});

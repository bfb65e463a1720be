import { describe, expect, it } from 'vitest';
import { DEFAULT_STREAM_LIMITS, streamConfigs, streamLimitsFromEnv } from './streams.js';
import { DEFAULT_BUS_NAMES } from './names.js';

describe('stream limits', () => {
  it('takes sizes from the environment and keeps the dedup window at two minutes or more', () => {
    const limits = streamLimitsFromEnv({ SB_CONTACTS_MAX_BYTES: '1048576', SB_DEDUP_WINDOW_MS: '1000', SB_STREAM_REPLICAS: '3' });
    expect(limits).toMatchObject({ contactsMaxBytes: 1_048_576, duplicateWindowMs: 120_000, replicas: 3, routingMaxBytes: DEFAULT_STREAM_LIMITS.routingMaxBytes });
  });

  it('names the variable that is wrong', () => {
    expect(() => streamLimitsFromEnv({ SB_ROUTING_MAX_BYTES: 'lots' })).toThrow(/SB_ROUTING_MAX_BYTES must be a positive integer/);
  });

  it('refuses new contacts when CONTACTS is full rather than dropping accepted ones', () => {
    const [contacts] = streamConfigs(DEFAULT_BUS_NAMES, DEFAULT_STREAM_LIMITS);
    expect(contacts).toMatchObject({ name: 'CONTACTS', discard: 'new', storage: 'file', subjects: ['sb.contacts.>'] });
  });

  it('drops the oldest records when ROUTING is full rather than refusing new ones and stopping routing', () => {
    const routing = streamConfigs(DEFAULT_BUS_NAMES, DEFAULT_STREAM_LIMITS).find((c) => c.name === 'ROUTING');
    expect(routing).toMatchObject({ discard: 'old', max_bytes: DEFAULT_STREAM_LIMITS.routingMaxBytes, subjects: ['sb.routing.>'] });
  });
});

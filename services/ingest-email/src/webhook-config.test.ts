import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '@switchboard/ingest-kit';
import { webhookSigningKey } from './index.js';

describe('the email webhook fails closed', () => {
  it('refuses to start with the webhook on and no signing key', () => {
    for (const env of [{}, { EMAIL_WEBHOOK_SIGNING_KEY: '' }, { EMAIL_WEBHOOK_ENABLED: 'true' }]) {
      expect(() => webhookSigningKey(env)).toThrow(IngestConfigError);
    }
    expect(() => webhookSigningKey({})).toThrow(/EMAIL_WEBHOOK_SIGNING_KEY is not set.*EMAIL_WEBHOOK_ENABLED=false/);
  });

  it('serves the webhook with its key, or SMTP only when turned off', () => {
    expect(webhookSigningKey({ EMAIL_WEBHOOK_SIGNING_KEY: 'k' })).toBe('k');
    expect(webhookSigningKey({ EMAIL_WEBHOOK_ENABLED: 'false' })).toBeUndefined();
    expect(webhookSigningKey({ EMAIL_WEBHOOK_ENABLED: 'false', EMAIL_WEBHOOK_SIGNING_KEY: 'k' })).toBeUndefined();
    expect(() => webhookSigningKey({ EMAIL_WEBHOOK_ENABLED: 'no' })).toThrow(/true or false/);
  });
});

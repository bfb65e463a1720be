import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTestNats, createTestScope, type TestNats, type TestScope } from '@switchboard/testkit';
import { AuthError } from './errors.js';
import { ReplayGuard } from './replay-guard.js';

describe('replay guard on a real JetStream KV bucket', () => {
  let scope: TestScope;
  let nats: TestNats;
  const now = 1_800_000_000;
  let guard: ReplayGuard;
  beforeEach(async () => {
    scope = createTestScope('replay');
    nats = await connectTestNats(scope);
    guard = await ReplayGuard.open(nats.nc, { bucket: scope.stream('replay'), windowSeconds: 300, nowSeconds: () => now });
  });
  afterEach(() => nats.cleanup());

  it('admits a signed request once, per source, and refuses its replay', async () => {
    await guard.admit({ source: 'wechat-oa', timestampSeconds: now, nonce: 'n-1' });
    await expect(guard.admit({ source: 'wechat-oa', timestampSeconds: now, nonce: 'n-1' })).rejects.toMatchObject({ reason: 'invalid', message: expect.stringMatching(/already received/) });
    // The same nonce from another platform is another request.
    await guard.admit({ source: 'mailgun', timestampSeconds: now, nonce: 'n-1' });
  });

  it('refuses timestamps outside the window either way, and requests without a nonce', async () => {
    for (const timestampSeconds of [now - 301, now + 301, Number.NaN]) {
      await expect(guard.admit({ source: 's', timestampSeconds, nonce: `t${timestampSeconds}` })).rejects.toBeInstanceOf(AuthError);
    }
    await guard.admit({ source: 's', timestampSeconds: now - 299, nonce: 'edge' });
    await expect(guard.admit({ source: 's', timestampSeconds: now, nonce: '' })).rejects.toMatchObject({ reason: 'missing' });
  });

  it('tells a handled request from a new one only once it is remembered, so a failed first try is retried, not dropped', async () => {
    const stamp = { source: 'twilio:AC1', timestampSeconds: now, nonce: 'sig-1' };
    expect(await guard.wasHandled(stamp)).toBe(false);
    expect(await guard.wasHandled(stamp)).toBe(false);
    await guard.remember(stamp);
    expect(await guard.wasHandled(stamp)).toBe(true);
    expect(await guard.wasHandled({ ...stamp, source: 'twilio:AC2' })).toBe(false);
    await expect(guard.wasHandled({ ...stamp, timestampSeconds: now - 301 })).rejects.toBeInstanceOf(AuthError);
  });

  it('keeps nonces for twice the window only, so the bucket holds the window and not history', async () => {
    const status = await (await nats.js.views.kv(scope.stream('replay'))).status();
    expect(status.ttl).toBe(600_000);
    expect(status.history).toBe(1);
  });
});

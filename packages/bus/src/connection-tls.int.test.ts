import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus } from './connection.js';
import { startLockedNats, type LockedNats } from './testing/locked-nats.js';
import { generateTestTls, type TestTlsFiles } from './testing/test-tls.js';

/** TLS for NATS, once, with a CA generated for the test: NATS_TLS_CA is what makes the link trust the server. */
describe('connectBus over TLS', () => {
  let tls: TestTlsFiles;
  let nats: LockedNats;
  beforeAll(async () => {
    tls = generateTestTls();
    nats = await startLockedNats({ tls });
  });
  afterAll(async () => {
    await nats?.stop();
    tls?.remove();
  });
  const once = { waitOnFirstConnect: false, maxReconnectAttempts: 0 } as const;

  it('connects with the service user when NATS_TLS_CA names the CA that signed the server', async () => {
    const nc = await connectBus({ url: nats.url, name: 'tls test', env: nats.env('router'), extra: once });
    expect(nc.info?.tls_required).toBe(true);
    await nc.flush();
    await nc.close();
  });

  it('refuses a server its CA did not sign, and a plain-text link to a TLS server', async () => {
    const { NATS_TLS_CA: _ca, ...withoutCa } = nats.env('router');
    await expect(connectBus({ url: nats.url, name: 'no ca', env: withoutCa, extra: once })).rejects.toThrow(/certificate|self.signed|unable to verify/i);
    const other = generateTestTls();
    try {
      await expect(connectBus({ url: nats.url, name: 'wrong ca', env: { ...withoutCa, NATS_TLS_CA: other.caFile }, extra: once })).rejects.toThrow(/certificate|self.signed|unable to verify/i);
    } finally {
      other.remove();
    }
    await expect(connectBus({ url: nats.url.replace('tls://', 'nats://'), name: 'plain', env: {}, extra: { ...once, tls: null } as never })).rejects.toThrow();
  });
});

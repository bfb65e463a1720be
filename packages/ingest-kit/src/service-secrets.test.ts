import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestStartError, startIngestServices, type IngestServiceDefinition } from './service-group.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-ingest-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Never started: every case below is refused while the configuration is read, before NATS. */
const definition: IngestServiceDefinition<'http'> = {
  service: 'ingest-test',
  ports: { http: { env: 'TEST_INGEST_PORT', default: 7999 } },
  secrets: ['TEST_WEBHOOK_SECRET'],
  start: () => Promise.reject(new Error('not reached')),
};
const start = (env: NodeJS.ProcessEnv) => startIngestServices({ processName: 'ingest-test', services: [definition], env });

describe('an ingestion service\'s secrets as files', () => {
  it('reads NAME_FILE into NAME before the rest of its configuration', async () => {
    const file = join(dir, 'secret');
    writeFileSync(file, 'from-the-mounted-file\n');
    // A bad port stops the start after the secrets were read (and before any connection).
    const env: NodeJS.ProcessEnv = { TEST_WEBHOOK_SECRET_FILE: file, TEST_INGEST_PORT: 'nope' };
    await expect(start(env)).rejects.toThrow(/ingest-test failed to start: TEST_INGEST_PORT="nope"/);
    expect(env).toMatchObject({ TEST_WEBHOOK_SECRET: 'from-the-mounted-file' });
    expect(env).not.toHaveProperty('TEST_WEBHOOK_SECRET_FILE');
  });

  it('refuses a file beside a value, an unreadable file and an empty one, naming the service and the variable', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    await expect(start({ TEST_WEBHOOK_SECRET: 'x', TEST_WEBHOOK_SECRET_FILE: empty })).rejects.toThrow(IngestStartError);
    await expect(start({ TEST_WEBHOOK_SECRET: 'x', TEST_WEBHOOK_SECRET_FILE: empty })).rejects.toThrow(/ingest-test failed to start: TEST_WEBHOOK_SECRET and TEST_WEBHOOK_SECRET_FILE are both set/);
    await expect(start({ TEST_WEBHOOK_SECRET_FILE: join(dir, 'absent') })).rejects.toThrow(/TEST_WEBHOOK_SECRET_FILE=.*absent cannot be read \(ENOENT\)/);
    await expect(start({ TEST_WEBHOOK_SECRET_FILE: empty })).rejects.toThrow(/TEST_WEBHOOK_SECRET_FILE=.* is empty/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { Channel, SubmitContactRequest } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { peerSource } from './server.js';
import { auth, startGrpc, submitContact } from './test-support.js';

const request = (key: string) => SubmitContactRequest.fromPartial({ idempotencyKey: key, contact: { channel: Channel.CHANNEL_PHONE, intent: 'billing' } });

describe('IngestService rate limit per source', () => {
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  beforeEach(async () => {
    bed = await createIngestTestBed('grpclimit');
    grpc = await startGrpc(bed, { rateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterEach(async () => {
    await grpc.close();
    await bed.close();
  });

  it('answers RESOURCE_EXHAUSTED with a retry hint past the limit, publishing nothing more', async () => {
    for (const key of ['a', 'b', 'c']) expect((await submitContact(grpc.client, request(key))).response?.duplicate).toBe(false);
    const { error } = await submitContact(grpc.client, request('d'));
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.details).toMatch(/rate limit exceeded, retry after \d+ s/);
    const seconds = Number(error?.metadata.get('retry-after')[0]);
    // The rest of the 60 s window opened by the first call (minus however long three publishes
    // took on a loaded machine).
    expect(seconds).toBeGreaterThan(30);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(error?.metadata.get('grpc-retry-pushback-ms')).toEqual([String(seconds * 1000)]);
    // Counted before authentication: a forged token does not get past the limit to be checked.
    expect((await submitContact(grpc.client, request('e'), auth('Bearer forged'))).error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(await bed.messageCount()).toBe(3);
  });

  it('keys sources by peer address without the port', () => {
    expect(peerSource('ipv4:10.0.0.7:51234')).toBe('10.0.0.7');
    expect(peerSource('ipv6:[::1]:51234')).toBe('::1');
    expect(peerSource('unix:/tmp/sock')).toBe('/tmp/sock');
  });
});

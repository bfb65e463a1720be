import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { Channel, SubmitContactRequest } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { peerSource } from './server.js';
import { auth, startGrpc, submitContact } from './test-support.js';

const request = (key: string) => SubmitContactRequest.fromPartial({ idempotencyKey: key, contact: { channel: Channel.CHANNEL_PHONE, intent: 'billing' } });

describe('IngestService rate limits per credential and per address', () => {
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>> | undefined;
  beforeEach(async () => {
    bed = await createIngestTestBed('grpclimit');
  });
  afterEach(async () => {
    await grpc?.close();
    await bed.close();
  });

  it('answers RESOURCE_EXHAUSTED with a retry hint past the credential\'s limit, publishing nothing more', async () => {
    grpc = await startGrpc(bed, { rateLimit: { max: 3, windowMs: 60_000 } });
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
    expect(await bed.messageCount()).toBe(3);
  });

  it('lets one credential push far past the per-address limit from one address', async () => {
    grpc = await startGrpc(bed, { rateLimit: { max: 1_000, maxPerAddress: 2, windowMs: 60_000 } });
    for (let i = 0; i < 20; i++) expect((await submitContact(grpc.client, request(`bulk-${i}`))).error).toBeUndefined();
    expect(await bed.messageCount()).toBe(20);
  });

  it('holds calls that do not authenticate to the per-address limit, while the right credential from that address goes on', async () => {
    grpc = await startGrpc(bed, { rateLimit: { max: 1_000, maxPerAddress: 2, windowMs: 60_000 } });
    const forged = () => submitContact(grpc!.client, request('x'), auth('Bearer forged-token'));
    expect((await forged()).error?.code).toBe(status.PERMISSION_DENIED);
    expect((await submitContact(grpc.client, request('x'), auth(''))).error?.code).toBe(status.UNAUTHENTICATED);
    const limited = await forged();
    expect(limited.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(Number(limited.error?.metadata.get('retry-after')[0])).toBeGreaterThan(0);
    expect(await bed.messageCount()).toBe(0);
    expect((await submitContact(grpc.client, request('right'))).error).toBeUndefined();
  });

  it('keys sources by peer address without the port', () => {
    expect(peerSource('ipv4:10.0.0.7:51234')).toBe('10.0.0.7');
    expect(peerSource('ipv6:[::1]:51234')).toBe('::1');
    expect(peerSource('unix:/tmp/sock')).toBe('/tmp/sock');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { Channel, SubmitContactRequest } from '@switchboard/contracts';
import { startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { startGrpc, submitContact } from './test-support.js';

describe('gRPC ingestion through a NATS outage', () => {
  let server: PrivateServer;
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  beforeAll(async () => {
    server = await startPrivateNats();
    bed = await createIngestTestBed('grpcout', { server });
    grpc = await startGrpc(bed);
  });
  afterAll(async () => {
    await grpc.close();
    await bed.close();
    await server.destroy();
  });

  it('answers UNAVAILABLE while NATS is down and stores the retry once it is back', async () => {
    const req = SubmitContactRequest.fromPartial({ idempotencyKey: 'outage-1', contact: { channel: Channel.CHANNEL_CHAT } });
    const { client } = grpc;
    await server.kill();
    await expect.poll(() => bed.bus.isConnected(), { timeout: 5_000 }).toBe(false);
    expect((await submitContact(client, req)).error?.code).toBe(status.UNAVAILABLE);
    await server.restart();
    await expect.poll(async () => (await submitContact(client, req)).error?.code ?? status.OK, { timeout: 10_000, interval: 200 }).toBe(status.OK);
    expect(await bed.messageCount()).toBe(1);
  });
});

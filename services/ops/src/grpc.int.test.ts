import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OpsServiceClient, type GetContactTraceResponse, type GetKpisRequest, type GetKpisResponse } from '@switchboard/contracts';
import { eventually, publishArrival, publishEvent, startOpsBed, type OpsBed } from './test-support.js';

describe('OpsService over gRPC', () => {
  let bed: OpsBed;
  let client: OpsServiceClient;
  beforeAll(async () => {
    bed = await startOpsBed('opsgrpc');
    client = new OpsServiceClient(`127.0.0.1:${bed.ops.grpcPort}`, credentials.createInsecure());
    await publishArrival(bed, 'g-1', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    await publishEvent(bed, { contactId: 'g-1', queued: { effectivePriority: 0, position: 0 } });
  });
  afterAll(async () => {
    client?.close();
    await bed?.close();
  });

  const supervisor = () => {
    const md = new Metadata();
    md.set('authorization', bed.supervisor.authorization);
    return md;
  };
  const call = <Req, Res>(method: (req: Req, md: Metadata, cb: (e: ServiceError | null, r: Res) => void) => unknown, req: Req, md = supervisor()) =>
    new Promise<Res>((resolve, reject) => method.call(client, req, md, (e, r) => (e ? reject(e) : resolve(r))));

  it('answers GetContactTrace from the index, NOT_FOUND for an unknown contact, INVALID_ARGUMENT naming the field', async () => {
    const trace = await eventually(async () => {
      const r = await call<{ domain: string; contactId: string }, GetContactTraceResponse>(client.getContactTrace, { domain: '', contactId: 'g-1' });
      return r.events.length === 1 ? r : undefined;
    });
    expect(trace.traceId).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    await expect(call(client.getContactTrace, { domain: '', contactId: 'nope' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(call(client.getContactTrace, { domain: '', contactId: '' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('contact_id') });
    await expect(call(client.getContactTrace, { domain: 'elsewhere', contactId: 'g-1' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('domain') });
  });

  it('answers GetKpis and refuses a reversed range', async () => {
    const now = Date.now();
    const kpis = await call<GetKpisRequest, GetKpisResponse>(client.getKpis, { domain: '', queueIds: ['general'], from: new Date(now - 600_000), to: new Date(now), intervalSeconds: 300 });
    expect(kpis.kpis).toHaveLength(2);
    await expect(call(client.getKpis, { domain: '', queueIds: [], from: new Date(now), to: new Date(now - 1_000), intervalSeconds: 0 }))
      .rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('from') });
  });

  it('streams events live', async () => {
    const stream = client.streamEvents({ domain: '', queueIds: [], agentIds: [], contactIds: ['g-2'], since: undefined }, supervisor());
    const first = new Promise((resolve) => stream.once('data', resolve));
    await new Promise((r) => setTimeout(r, 300)); // the feed's consumer exists before the event is published
    await publishEvent(bed, { contactId: 'g-2', queued: { effectivePriority: 0, position: 0 } });
    expect(await first).toMatchObject({ event: { contactId: 'g-2' } });
    stream.on('error', () => undefined); // the cancellation below arrives as CANCELLED
    stream.cancel();
  });
});

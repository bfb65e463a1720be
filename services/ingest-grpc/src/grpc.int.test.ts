import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { Channel, ContactUpdateKind, SubmitContactRequest, SubmitContactUpdateRequest, type Contact, type IngestServiceClient } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { createLogger } from '@switchboard/telemetry';
import { IngestConfigError } from '@switchboard/ingest-kit';
import { startGrpcIngest } from './index.js';
import { auth, startGrpc, submitContact, submitContactUpdate } from './test-support.js';

const request = (key: string, over: Partial<Contact> = {}) => SubmitContactRequest.fromPartial({
  idempotencyKey: key,
  contact: { channel: Channel.CHANNEL_PHONE, intent: 'billing', customer: { phoneNumber: '+4930123456' }, ...over },
});

describe('IngestService over gRPC', () => {
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  let client: IngestServiceClient;
  beforeEach(async () => {
    bed = await createIngestTestBed('grpc');
    grpc = await startGrpc(bed);
    client = grpc.client;
  });
  afterEach(async () => {
    await grpc.close();
    await bed.close();
  });

  it('stores a submitted contact once per idempotency key and its later update', async () => {
    const first = await submitContact(client, request('pbx-call-1'));
    expect(first.response).toMatchObject({ duplicate: false });
    const again = await submitContact(client, request('pbx-call-1'));
    expect(again.response).toEqual({ contactId: first.response?.contactId, duplicate: true });
    const update = SubmitContactUpdateRequest.fromPartial({ idempotencyKey: 'pbx-call-1:hangup', update: { contactId: first.response!.contactId, channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED } });
    expect((await submitContactUpdate(client, update)).response).toEqual({ duplicate: false });
    const [arrived, abandoned, ...rest] = await bed.records();
    expect(rest).toEqual([]);
    expect(arrived?.record.arrived).toMatchObject({ id: first.response?.contactId, domain: bed.scope.domain, intent: 'billing' });
    expect(abandoned?.record.update).toMatchObject({ contactId: first.response?.contactId, domain: bed.scope.domain });
  });

  it('answers INVALID_ARGUMENT naming the field', async () => {
    const cases: [SubmitContactRequest, string, string][] = [
      [request(''), 'idempotency_key', 'required'],
      [SubmitContactRequest.fromPartial({ idempotencyKey: 'k' }), 'contact', 'required'],
      [request('k', { channel: Channel.CHANNEL_UNSPECIFIED }), 'contact.channel', 'required'],
      [request('k', { domain: 'another-tenant' }), 'contact.domain', 'domain_mismatch'],
      [request('k', { id: 'not-an-id' }), 'contact.id', 'invalid_format'],
      [request('k', { priority: -5 }), 'contact.priority', 'out_of_range'],
    ];
    for (const [req, field, rule] of cases) {
      const { error } = await submitContact(client, req);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toContain(field);
      expect(error?.metadata.get('field')).toEqual([field]);
      expect(error?.metadata.get('rule')).toEqual([rule]);
    }
    expect(await bed.messageCount()).toBe(0);
  });

  it('refuses to start without INGEST_GRPC_TOKEN, or with a short one: there is no unauthenticated mode', async () => {
    const runtime = (env: NodeJS.ProcessEnv) => ({
      config: { natsUrl: '', domain: bed.scope.domain, host: '127.0.0.1', ports: { grpc: 0, http: 0 } },
      env, logger: createLogger({ service: 'ingest-grpc-test', level: 'silent' }), bus: bed.bus, publisher: bed.publisher,
    });
    await expect(startGrpcIngest(runtime({}))).rejects.toThrow(IngestConfigError);
    await expect(startGrpcIngest(runtime({ INGEST_GRPC_TOKEN: '' }))).rejects.toThrow(/INGEST_GRPC_TOKEN is not set/);
    await expect(startGrpcIngest(runtime({ INGEST_GRPC_TOKEN: 'short' }))).rejects.toThrow(/at least 16 characters/);
    const running = await startGrpcIngest(runtime({ INGEST_GRPC_TOKEN: 'a-token-long-enough-for-it' }));
    await running.close();
  });

  it('requires the bearer token', async () => {
    expect((await submitContact(client, request('k1'), auth(''))).error?.code).toBe(status.UNAUTHENTICATED);
    expect((await submitContact(client, request('k1'), auth('Bearer wrong'))).error?.code).toBe(status.PERMISSION_DENIED);
    expect(await bed.messageCount()).toBe(0);
  });
});

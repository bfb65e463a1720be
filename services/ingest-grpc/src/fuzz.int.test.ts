import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import { Channel, SubmitContactRequest } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { callRaw, startGrpc, submitContact } from './test-support.js';

const CLIENT_ERRORS = [status.INVALID_ARGUMENT, status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.RESOURCE_EXHAUSTED];

describe('IngestService under fuzzing', () => {
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  beforeAll(async () => {
    bed = await createIngestTestBed('grpcfuzz');
    grpc = await startGrpc(bed);
  });
  afterAll(async () => {
    await grpc.close();
    await bed.close();
  });

  it('answers random bytes with INVALID_ARGUMENT or another client error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.constantFrom('SubmitContact', 'SubmitContactUpdate'), async (bytes, method) => {
      const error = await callRaw(grpc.client, `/switchboard.v1.IngestService/${method}`, Buffer.from(bytes));
      expect(error).not.toBeNull();
      expect(CLIENT_ERRORS).toContain(error?.code);
    }), { numRuns: 100 });
  });

  it('answers structurally valid but invalid requests with INVALID_ARGUMENT', async () => {
    const badContact = fc.record({
      idempotencyKey: fc.oneof(fc.constant(''), fc.string({ minLength: 257, maxLength: 300 }), fc.string()),
      contact: fc.option(fc.record({ channel: fc.integer({ min: -3, max: 9 }), id: fc.string({ maxLength: 30 }), priority: fc.integer(), domain: fc.string({ maxLength: 10 }) }), { nil: undefined }),
    }).filter((r) => r.idempotencyKey === '' || r.idempotencyKey.length > 256 || r.contact === undefined || r.contact.id !== '' || r.contact.channel < 1 || r.contact.channel > 4);
    await fc.assert(fc.asyncProperty(badContact, async (raw) => {
      const request = SubmitContactRequest.fromPartial({ idempotencyKey: raw.idempotencyKey, contact: raw.contact ? { ...raw.contact, channel: raw.contact.channel as Channel } : undefined });
      const { error } = await submitContact(grpc.client, request);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
    }), { numRuns: 100 });
  });

  it('published nothing', async () => {
    expect(await bed.messageCount()).toBe(0);
  });
});

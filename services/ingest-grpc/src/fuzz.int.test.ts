import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  Channel, ContactState, ContactUpdateKind, SubmitContactRequest, SubmitContactUpdateRequest, type Contact, type ContactUpdate,
} from '@switchboard/contracts';
import { deterministicContactId, isContactId, isIdempotencyKey } from '@switchboard/ingest-kit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { auth, callRaw, startGrpc, TOKEN } from './test-support.js';

// Every answer but a real outage must be a client error the platform can act on; INTERNAL and
// UNKNOWN mean a bug we let a platform trigger.
const CLIENT_ERRORS: readonly number[] = [status.INVALID_ARGUMENT, status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.RESOURCE_EXHAUSTED];
const METHODS = ['SubmitContact', 'SubmitContactUpdate'] as const;
/** Requests sent per property run, concurrently: fast-check runs properties one at a time. */
const BATCH = 25;
const RUNS = { numRuns: 100 };

/** A credential: mostly the right one, so most requests reach validation. */
const credential = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `bearer   ${TOKEN}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`) },
);
const text = (maxLength = 40) => fc.string({ unit: 'binary', maxLength });
const anyTime = fc.oneof(fc.constant(undefined), fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }));
/** Valid contact ids, built from bytes (fc.stringMatching costs seconds per property here). */
const validId = fc.string({ minLength: 1, maxLength: 12 }).map((key) => deterministicContactId('fuzz', Channel.CHANNEL_PHONE, key));
const attributes = fc.array(fc.record({ key: text(20), value: text(40) }), { maxLength: 70 });

const contact = fc.record({
  id: fc.oneof(fc.constant(''), text(30), validId),
  channel: fc.integer({ min: -2, max: 8 }) as fc.Arbitrary<Channel>,
  domain: fc.oneof(fc.constant(''), text(12)),
  intent: text(),
  priority: fc.oneof(fc.integer({ min: -5, max: 1_005 }), fc.integer()),
  summary: fc.oneof(text(), fc.string({ minLength: 995, maxLength: 1_010 })),
  conversationId: text(),
  preferredAgentId: text(),
  queueId: text(),
  state: fc.integer({ min: 0, max: 12 }) as fc.Arbitrary<ContactState>,
  attributes,
  historyContactIds: fc.array(text(30), { maxLength: 5 }),
  receivedAt: anyTime,
  customer: fc.option(fc.record({ id: text(), phoneNumber: text(), email: text(), language: text(10), name: text() }), { nil: undefined }),
  channelIds: fc.option(fc.record({ callSid: text(), messageId: text(), toAddress: text() }), { nil: undefined }),
}, { requiredKeys: [] });

const update = fc.record({
  contactId: fc.oneof(fc.constant(''), text(30), validId),
  channel: fc.integer({ min: -2, max: 8 }) as fc.Arbitrary<Channel>,
  domain: fc.oneof(fc.constant(''), text(12)),
  kind: fc.integer({ min: -1, max: 12 }) as fc.Arbitrary<ContactUpdateKind>,
  occurredAt: anyTime,
  messageId: text(),
  summary: text(),
  attributes,
}, { requiredKeys: [] });

const idempotencyKey = fc.oneof(text(40), fc.string({ minLength: 250, maxLength: 260 }), fc.constantFrom('', 'k\r\nNats-Expected-Stream: X', 'a\u0000b', 'x\ud800'));

/** Bytes of a protobuf Timestamp field `field` whose seconds no Date can hold (±2^62). */
function extremeTimestamp(field: number, negative: boolean): Buffer {
  const seconds = negative ? -(2n ** 62n) : 2n ** 62n;
  let v = BigInt.asUintN(64, seconds);
  const varint: number[] = [];
  do { let byte = Number(v & 0x7fn); v >>= 7n; if (v > 0n) byte |= 0x80; varint.push(byte); } while (v > 0n);
  const timestamp = Buffer.from([0x08, ...varint]);
  return Buffer.concat([Buffer.from([(field << 3) | 2, timestamp.length]), timestamp]);
}

/** Appends a length-delimited field to an encoded message (protobuf merges repeated sub-messages). */
function withSubmessageField(message: Uint8Array, field: number, inner: Buffer): Buffer {
  return Buffer.concat([Buffer.from(message), Buffer.from([(field << 3) | 2, inner.length]), inner]);
}

/** Random edits of valid encodings: flips, truncations, insertions. */
const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('flip', 'cut', 'insert', 'none') });
function mutate(bytes: Uint8Array, m: { at: number; byte: number; kind: string }): Buffer {
  const b = Buffer.from(bytes);
  if (b.length === 0) return b;
  const at = m.at % b.length;
  if (m.kind === 'flip') b[at] = (b[at]! ^ m.byte) & 0xff;
  if (m.kind === 'cut') return b.subarray(0, at);
  if (m.kind === 'insert') return Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
  return b;
}

describe('IngestService under fuzzing (10,000+ generated requests)', () => {
  let bed: IngestTestBed;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  let sent = 0;
  const accepted = { contacts: 0, updates: 0 };
  beforeAll(async () => {
    bed = await createIngestTestBed('grpcfuzz');
    grpc = await startGrpc(bed, { rateLimit: false });
  });
  afterAll(async () => {
    await grpc.close();
    await bed.close();
  });

  /** Sends one request, asserting the answer is a success or a client error. */
  async function send(method: (typeof METHODS)[number], bytes: Buffer, metadata: Metadata): Promise<void> {
    sent += 1;
    const error: ServiceError | null = await callRaw(grpc.client, `/switchboard.v1.IngestService/${method}`, bytes, metadata);
    if (error === null) {
      accepted[method === 'SubmitContact' ? 'contacts' : 'updates'] += 1;
      return;
    }
    expect(CLIENT_ERRORS, `${method} answered ${error.code} ${error.details}`).toContain(error.code);
    if (error.code === status.INVALID_ARGUMENT) expect(error.metadata.get('field')).toHaveLength(1);
  }

  it('answers random bytes with a client error', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...METHODS), credential), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([bytes, method, token]) => send(method, Buffer.from(bytes), auth(token))));
    }), RUNS);
  });

  it('answers mutated valid encodings with success or a client error', async () => {
    const valid = SubmitContactRequest.encode(SubmitContactRequest.fromPartial({ idempotencyKey: 'k-1', contact: { channel: Channel.CHANNEL_PHONE, intent: 'billing', customer: { phoneNumber: '+1' }, attributes: [{ key: 'a', value: 'b' }] } })).finish();
    const validUpdate = SubmitContactUpdateRequest.encode(SubmitContactUpdateRequest.fromPartial({ idempotencyKey: 'k-1:end', update: { contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', channel: Channel.CHANNEL_PHONE, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED } })).finish();
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...METHODS), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 8 })), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([method, edits, salt]) => {
        // A salted key so that a mutation which stays valid is a new contact, not a duplicate.
        const base = method === 'SubmitContact'
          ? SubmitContactRequest.encode({ ...SubmitContactRequest.decode(valid), idempotencyKey: `k-${salt.length}-${sent}` }).finish()
          : SubmitContactUpdateRequest.encode({ ...SubmitContactUpdateRequest.decode(validUpdate), idempotencyKey: `u-${sent}` }).finish();
        return send(method, edits.reduce<Buffer>((b, m) => mutate(b, m), Buffer.from(base)), auth());
      }));
    }), RUNS);
  });

  it('answers arbitrary well-formed contacts, including timestamps no Date can hold, with success or INVALID_ARGUMENT', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(contact, idempotencyKey, credential, fc.integer({ min: 0, max: 9 })), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([c, key, token, extreme]) => {
        let bytes: Buffer = Buffer.from(SubmitContactRequest.encode(SubmitContactRequest.fromPartial({ idempotencyKey: key, contact: c as Partial<Contact> })).finish());
        // A received_at (field 14 of Contact) beyond any Date, merged into field 1.
        if (extreme < 2) bytes = withSubmessageField(bytes, 1, extremeTimestamp(14, extreme === 1));
        return send('SubmitContact', bytes, auth(token));
      }));
    }), RUNS);
  });

  it('answers arbitrary well-formed updates with success or INVALID_ARGUMENT', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(update, idempotencyKey, credential, fc.integer({ min: 0, max: 9 })), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([u, key, token, extreme]) => {
        let bytes: Buffer = Buffer.from(SubmitContactUpdateRequest.encode(SubmitContactUpdateRequest.fromPartial({ idempotencyKey: key, update: u as Partial<ContactUpdate> })).finish());
        if (extreme < 2) bytes = withSubmessageField(bytes, 1, extremeTimestamp(5, extreme === 1));
        return send('SubmitContactUpdate', bytes, auth(token));
      }));
    }), RUNS);
  });

  it('sent 10,000 requests or more, still answers its health service, and published only records that validate', async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const health = await callRaw(grpc.client, '/grpc.health.v1.Health/Check', Buffer.alloc(0), new Metadata());
    expect(health).toBeNull();
    const records = await bed.records();
    // Every accepted request is on the stream (or a duplicate of one that is), and nothing else.
    // Enough valid requests got through for the check below to mean something.
    expect(accepted.contacts).toBeGreaterThan(200);
    expect(accepted.updates).toBeGreaterThan(100);
    expect(records.length).toBeLessThanOrEqual(accepted.contacts + accepted.updates);
    for (const { record, msgId, subject } of records) {
      expect(subject.startsWith(`${bed.names.subjectRoot}.contacts.${bed.scope.domain}.`)).toBe(true);
      expect(isIdempotencyKey(msgId ?? '', 1_024)).toBe(true);
      const c = record.arrived;
      const u = record.update;
      expect(Number(c !== undefined) + Number(u !== undefined)).toBe(1);
      if (c) {
        expect(isContactId(c.id)).toBe(true);
        expect(c.domain).toBe(bed.scope.domain);
        expect(c.state).toBe(ContactState.CONTACT_STATE_RECEIVED);
        expect(c.priority >= 0 && c.priority <= 1000).toBe(true);
        expect(Number.isFinite(c.receivedAt?.getTime())).toBe(true);
      } else if (u) {
        expect(isContactId(u.contactId)).toBe(true);
        expect(u.domain).toBe(bed.scope.domain);
        expect(u.kind).toBeGreaterThan(0);
        expect(Number.isFinite(u.occurredAt?.getTime())).toBe(true);
      }
    }
  });
});

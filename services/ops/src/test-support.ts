// Shared by this service's tests only (not exported by the package).
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, signToken, type Role } from '@switchboard/grpc-edge';
import { pino } from 'pino';
import { Channel, ContactRecord, RoutingBatch, RoutingEvent } from '@switchboard/contracts';
import { contactsSubject, ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH, routerSubjects } from '@switchboard/router-api';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { OpsAuthConfig } from './auth/auth-config.js';
import { startOps, type RunningOps } from './start-ops.js';

/** The Bearer secret of every test ops. */
export const TEST_JWT_SECRET = 'ops-test-secret-at-least-16';
/** The token settings of every test ops (the edges' defaults for issuer and audience). */
export const TEST_TOKENS = { secret: TEST_JWT_SECRET, issuer: DEFAULT_ISSUER, jwksIssuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE } as const;
/** The cookie-signing secret of every test ops. */
export const TEST_SESSION_SECRET = 'ops-test-session-secret-of-32-characters!';

/**
 * A token as the edges' tokens will be (sub, role, domain, teams, exp), signed with `secret`.
 * `expiresIn` negative makes an expired one.
 */
export async function testToken(claims: { role: string; domain: string; subject?: string; expiresIn?: number; secret?: string; teams?: string[] }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const teams = claims.teams ?? (claims.role === 'supervisor' ? ['*'] : undefined);
  return signToken(claims.secret ?? TEST_JWT_SECRET, {
    subject: claims.subject ?? `${claims.role}-1`, role: claims.role as Role, domain: claims.domain, ...(teams ? { teams } : {}),
    ttl: now + (claims.expiresIn ?? 600),
  });
}

/** One test's ops on real NATS and Redis, with its own streams, subjects and keys. */
export interface OpsBed {
  readonly scope: TestScope;
  readonly names: BusNames;
  readonly nats: TestNats;
  readonly redis: TestRedis;
  readonly ops: RunningOps;
  readonly url: string;
  /** `authorization` headers of a supervisor and an `ops` reader of the bed's domain. */
  readonly supervisor: { authorization: string };
  readonly reader: { authorization: string };
  close(): Promise<void>;
}

export async function startOpsBed(label: string, auth: Partial<OpsAuthConfig> = {}, httpPort = 0): Promise<OpsBed> {
  const scope = createTestScope(label);
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  const nats = await connectTestNats(scope);
  const redis = await connectTestRedis(scope);
  await ensureStreams(nats.jsm, names);
  const ops = await startOps({
    config: { httpPort, grpcPort: 0, host: '127.0.0.1', domain: scope.domain, natsUrl: nats.url, redisUrl: redis.url, traceTtlSeconds: 600,
      auth: { tokens: TEST_TOKENS, sessionTtlSeconds: 600, ...auth } },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    names,
    keyPrefix: scope.redisPrefix,
  });
  return {
    scope, names, nats, redis, ops, url: `http://127.0.0.1:${ops.httpPort}`,
    supervisor: { authorization: `Bearer ${await testToken({ role: 'supervisor', domain: scope.domain })}` },
    reader: { authorization: `Bearer ${await testToken({ role: 'ops', domain: scope.domain })}` },
    close: async () => {
      await ops.stop();
      await nats.cleanup();
      await redis.cleanup();
    },
  };
}

/** Publishes a contact arrival to the bed's CONTACTS with a traceparent header. */
export async function publishArrival(bed: OpsBed, contactId: string, traceId: string, attributes: { key: string; value: string }[] = []): Promise<void> {
  const record = ContactRecord.fromPartial({ arrived: { id: contactId, domain: bed.scope.domain, channel: Channel.CHANNEL_CHAT, intent: 'billing', attributes,
    customer: { id: 'cust-secret-7', phoneNumber: '+8613800000000', tier: 1 }, receivedAt: new Date() } });
  await publishDurable(bed.nats.js, contactsSubject(bed.names, bed.scope.domain, 'chat'), ContactRecord.encode(record).finish(),
    { msgId: `arr-${contactId}`, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
}

let seq = 0;

/**
 * Publishes one router commit as the router's relay does: a RoutingBatch holding one command per
 * event (filled in from each partial), with the event-types header and the batch's msg id. The
 * commands' records are no-ops that still read as applied-command records.
 */
export async function publishBatch(bed: OpsBed, ...partials: Partial<RoutingEvent>[]): Promise<RoutingEvent[]> {
  const firstPosition = seq + 1;
  const events = partials.map((partial) => RoutingEvent.fromPartial({ id: `${bed.scope.domain}:${++seq}`, domain: bed.scope.domain, occurredAt: new Date(), sequence: seq,
    channel: Channel.CHANNEL_CHAT, queueId: 'general', ruleVersion: 'v1', arrivedAt: new Date(), enqueuedAt: new Date(), ...partial }));
  const batch = RoutingBatch.fromPartial({ domain: bed.scope.domain, epoch: 'test', firstPosition,
    commands: events.map((event) => ({ record: JSON.stringify({ n: event.sequence, cid: '', at: Date.now(), cmd: { type: 'NOOP' } }), events: [event] })) });
  await publishDurable(bed.nats.js, routingSubject(bed.names, bed.scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(),
    { msgId: batchMsgId(bed.scope.domain, batch.epoch, firstPosition), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) } });
  return events;
}

/** Publishes a routing event in a batch of its own. */
export async function publishEvent(bed: OpsBed, partial: Partial<RoutingEvent>): Promise<RoutingEvent> {
  const [event] = await publishBatch(bed, partial);
  return event!;
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Stands in for the domain's router: answers its query subject with `answer(query)` (a reply
 * object, `ok: true` added), as the router's command API does. Returns a function that stops it.
 */
export function answerRouterQueries(bed: OpsBed, answer: (query: { query: string; [key: string]: unknown }) => Record<string, unknown>): () => void {
  const subject = routerSubjects(bed.names.subjectRoot, bed.scope.domain).query;
  const sub = bed.nats.nc.subscribe(subject, {
    callback: (_error, msg) => {
      const query = JSON.parse(new TextDecoder().decode(msg.data)) as { query: string };
      msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, ...answer(query) })));
    },
  });
  return () => sub.unsubscribe();
}

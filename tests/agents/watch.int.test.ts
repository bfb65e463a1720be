import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { Presence, type WatchQueuesResponse, type WatchTeamResponse } from '@switchboard/contracts';
import { bufCurl } from './support/buf-curl.js';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, codeOf, Mesh, until } from './support/mesh.js';

const QUEUE = 'switchboard.v1.QueueService';

/** Collects what a server stream sends, and how it ended. */
function collect<T>(stream: ClientReadableStream<T>): { messages: T[]; error: () => ServiceError | undefined } {
  const messages: T[] = [];
  let error: ServiceError | undefined;
  stream.on('data', (m: T) => messages.push(m));
  stream.on('error', (e: ServiceError) => { error = e; });
  return { messages, error: () => error };
}

describe('QueueService and AgentService watch streams, health and authentication', () => {
  let mesh: Mesh;
  const streams: ClientReadableStream<unknown>[] = [];
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('w1', ['general'], 'blue'), agent('w2', ['general'], 'blue'), agent('r1', ['general'], 'red')], graceSeconds: 30 });
  });
  afterAll(async () => {
    for (const s of streams) s.cancel();
    await mesh?.close();
  });

  it('refuses every QueueService call without a token (UNAUTHENTICATED, saying what is missing)', async () => {
    const none = new Metadata();
    const q = mesh.queueClient;
    const listed = await call(q.listQueues.bind(q), { domain: '', kind: 0 }, none).catch((e: ServiceError) => e);
    expect(listed).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('authorization: Bearer <token> required') });
    expect(await codeOf(call(q.getPosition.bind(q), { domain: '', contactId: 'x' }, none))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(call(q.getQueueStats.bind(q), { domain: '', queueId: 'general' }, none))).toBe(status.UNAUTHENTICATED);
    const watch = collect(q.watchQueues({ domain: '', queueIds: [] }, none));
    expect(await until('watch refused', () => watch.error())).toMatchObject({ code: status.UNAUTHENTICATED });
    expect(watch.messages).toEqual([]);
  });

  it('answers the standard gRPC health service for the server and QueueService', async () => {
    const port = mesh.queues.port;
    expect(await bufCurl(port, 'grpc.health.v1.Health/Check', {})).toMatchObject({ ok: true, body: { status: 'SERVING' } });
    expect(await bufCurl(port, 'grpc.health.v1.Health/Check', { service: QUEUE })).toMatchObject({ ok: true, body: { status: 'SERVING' } });
    expect(await bufCurl(port, 'grpc.health.v1.Health/Check', { service: 'switchboard.v1.NoSuchService' })).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('WatchQueues sends the queue figures, then again when a contact joins the queue', async () => {
    const md = await mesh.auth('lead', 'supervisor');
    const stream = mesh.queueClient.watchQueues({ domain: '', queueIds: ['general'] }, md);
    streams.push(stream);
    const watch = collect<WatchQueuesResponse>(stream);
    const first = await until('first figures', () => watch.messages[0]);
    expect(first.stats).toMatchObject({ queueId: 'general', depth: 0 });
    await enqueue(mesh, 'wq-1', { queueId: 'general' }); // nobody signed in: it waits
    const later = await until('depth 1 on the stream', () => watch.messages.find((m) => m.stats?.depth === 1));
    expect(later.stats).toMatchObject({ queueId: 'general', depth: 1, agentsAvailable: 0 });
    expect(later.stats!.oldestWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(watch.error()).toBeUndefined();
    // An unknown queue is NOT_FOUND on the stream, not an empty watch.
    const unknown = collect(mesh.queueClient.watchQueues({ domain: '', queueIds: ['nope'] }, md));
    expect(await until('unknown queue refused', () => unknown.error())).toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('"nope"') });
    await call(mesh.queueClient.cancel.bind(mesh.queueClient), { domain: '', contactId: 'wq-1', reason: 'test over' }, await mesh.auth('pbx', 'platform'));
    await until('depth back to 0', () => watch.messages.slice(watch.messages.indexOf(later) + 1).find((m) => m.stats?.depth === 0));
  });

  it('WatchTeam sends each member, then the change when a member signs in and goes away', async () => {
    const agentOnly = collect(mesh.agentClient.watchTeam({ team: 'blue' }, await mesh.auth('w1')));
    expect(await until('agent refused', () => agentOnly.error())).toMatchObject({ code: status.PERMISSION_DENIED });

    const stream = mesh.agentClient.watchTeam({ team: 'blue' }, await mesh.auth('lead', 'supervisor'));
    streams.push(stream);
    const watch = collect<WatchTeamResponse>(stream);
    await until('both members', () => watch.messages.length >= 2);
    expect(watch.messages.map((m) => m.agent?.id).sort()).toEqual(['w1', 'w2']);
    expect(watch.messages.every((m) => m.agent?.presence?.presence === Presence.PRESENCE_OFFLINE)).toBe(true);

    const desk = await Desk.open(mesh, 'w1');
    await desk.signIn();
    await desk.connect();
    await until('w1 AVAILABLE on the stream', () => watch.messages.find((m) => m.agent?.id === 'w1' && m.agent.presence?.presence === Presence.PRESENCE_AVAILABLE));
    await call(desk.api.setPresence.bind(desk.api), { sessionId: desk.sessionId, presence: Presence.PRESENCE_AWAY, reason: 'lunch' }, desk.md);
    const away = await until('w1 AWAY on the stream', () => watch.messages.find((m) => m.agent?.id === 'w1' && m.agent.presence?.presence === Presence.PRESENCE_AWAY));
    expect(away.agent?.presence?.reason).toBe('lunch');
    // Only the team's members: the red agent's sign-in is not on the blue stream. A red watcher,
    // fed by the same hub, sees it first, so the blue stream has had every chance to show it.
    const redStream = mesh.agentClient.watchTeam({ team: 'red' }, await mesh.auth('lead', 'supervisor'));
    streams.push(redStream);
    const redWatch = collect<WatchTeamResponse>(redStream);
    await until('red member', () => redWatch.messages.find((m) => m.agent?.id === 'r1'));
    const red = await Desk.open(mesh, 'r1');
    await red.signIn();
    await until('r1 AVAILABLE on the red stream', () => redWatch.messages.find((m) => m.agent?.id === 'r1' && m.agent.presence?.presence === Presence.PRESENCE_AVAILABLE));
    expect(watch.messages.some((m) => m.agent?.id === 'r1')).toBe(false);
    await call(desk.api.signOut.bind(desk.api), { sessionId: desk.sessionId }, desk.md);
    await call(red.api.signOut.bind(red.api), { sessionId: red.sessionId }, red.md);
    desk.close();
    red.close();
  });
});

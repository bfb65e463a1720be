import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@switchboard/grpc-edge';
import type { RouterClient } from '@switchboard/router-api';
import { bufCurl, type CurlResult } from './support/buf-curl.js';
import { agent, agentRules } from './support/fixtures.js';
import { Mesh, until } from './support/mesh.js';

const AGENT = 'switchboard.v1.AgentService';
const QUEUE = 'switchboard.v1.QueueService';

describe('a generic gRPC client (buf curl, reflection only)', () => {
  let mesh: Mesh;
  let router: RouterClient;
  const token = (subject: string, role: Role = 'agent') => mesh.token(subject, role);
  const ok = (r: CurlResult) => {
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    return r.body;
  };
  const offerToken = async (contactId: string, agentId: string) => until(`offer of ${contactId} to ${agentId}`, async () => {
    const reply = await router.query({ query: 'contact', contactId });
    const c = (reply.ok ? reply['contact'] : undefined) as { agentId?: string; offerToken?: number; state: string } | undefined;
    return c?.agentId === agentId && c.state === 'OFFERED' ? c.offerToken : undefined;
  });
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('b1'), agent('b2')], graceSeconds: 30 });
    router = mesh.routerClient();
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it('calls every unary method of AgentService and QueueService; UNAUTHENTICATED without a token, PERMISSION_DENIED on another agent\'s offer', async () => {
    const [a, q] = [mesh.gateway.port, mesh.queues.port];
    const [b1, b2, sup, pbx] = [await token('b1'), await token('b2'), await token('lead', 'supervisor'), await token('pbx', 'platform')];
    expect(await bufCurl(a, `${AGENT}/SignIn`, {})).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await bufCurl(q, `${QUEUE}/ListQueues`, {}, 'not-a-jwt')).toMatchObject({ ok: false, code: 'unauthenticated' });

    const queue = { id: 'curl', kind: 'QUEUE_KIND_PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, offerTimeoutSeconds: 30 };
    expect(ok(await bufCurl(q, `${QUEUE}/CreateQueue`, { queue }, sup))).toMatchObject({ queue: { id: 'curl', version: '1' } });
    expect(ok(await bufCurl(q, `${QUEUE}/UpdateQueue`, { queue: { ...queue, displayName: 'Curl', version: '1' } }, sup))).toMatchObject({ queue: { version: '2' } });
    expect(ok(await bufCurl(q, `${QUEUE}/GetQueue`, { queueId: 'curl' }, b1))).toMatchObject({ queue: { displayName: 'Curl' } });
    expect((ok(await bufCurl(q, `${QUEUE}/ListQueues`, {}, b1)).queues as unknown[]).length).toBe(2);

    const s1 = ok(await bufCurl(a, `${AGENT}/SignIn`, {}, b1)).sessionId as string;
    ok(await bufCurl(a, `${AGENT}/Heartbeat`, { sessionId: s1 }, b1));
    expect(ok(await bufCurl(a, `${AGENT}/SetPresence`, { sessionId: s1, presence: 'PRESENCE_AWAY', reason: 'break' }, b1))).toMatchObject({ presence: { presence: 'PRESENCE_AWAY', reason: 'break' } });
    ok(await bufCurl(a, `${AGENT}/SetPresence`, { sessionId: s1, presence: 'PRESENCE_AVAILABLE' }, b1));

    const contact = (id: string) => ({ contact: { id, channel: 'CHANNEL_PHONE', intent: 'billing', customer: { phoneNumber: '+4930123456' } } });
    expect(ok(await bufCurl(q, `${QUEUE}/Enqueue`, contact('x1'), pbx))).toMatchObject({ contactId: 'x1' });
    const t1 = await offerToken('x1', 'b1');
    expect(ok(await bufCurl(q, `${QUEUE}/GetPosition`, { contactId: 'x1' }, pbx))).toMatchObject({ queueId: 'general', state: 'CONTACT_STATE_OFFERED' });
    expect(ok(await bufCurl(q, `${QUEUE}/GetQueueStats`, { queueId: 'general' }, sup))).toMatchObject({ stats: { queueId: 'general' } });
    expect(await bufCurl(a, `${AGENT}/Accept`, { contactId: 'x1', reservationToken: String(t1) }, b2)).toMatchObject({ ok: false, code: 'permission_denied' });
    ok(await bufCurl(a, `${AGENT}/Decline`, { contactId: 'x1', reservationToken: String(t1), reason: 'wrong language' }, b1));

    ok(await bufCurl(q, `${QUEUE}/Enqueue`, contact('x2'), pbx));
    const t2 = await offerToken('x2', 'b1');
    expect(ok(await bufCurl(a, `${AGENT}/Accept`, { contactId: 'x2', reservationToken: String(t2) }, b1))).toMatchObject({ contact: { state: 'CONTACT_STATE_CONNECTED' } });
    expect(ok(await bufCurl(a, `${AGENT}/Complete`, { contactId: 'x2', disposition: 'resolved', wrapUpSeconds: 1 }, b1))).toHaveProperty('wrapUpEndsAt');

    const s2 = ok(await bufCurl(a, `${AGENT}/SignIn`, {}, b2)).sessionId as string;
    ok(await bufCurl(a, `${AGENT}/ForceAssign`, { contactId: 'x1', agentId: 'b2' }, sup));
    const t3 = await offerToken('x1', 'b2');
    ok(await bufCurl(a, `${AGENT}/Accept`, { contactId: 'x1', reservationToken: String(t3) }, b2));
    expect(ok(await bufCurl(a, `${AGENT}/Transfer`, { contactId: 'x1', queueId: 'curl', reason: 'specialist' }, b2))).toMatchObject({ contact: { queueId: 'curl' } });
    ok(await bufCurl(q, `${QUEUE}/Cancel`, { contactId: 'x1', reason: 'hung up' }, pbx));
    expect(await bufCurl(q, `${QUEUE}/GetPosition`, { contactId: 'x1' }, pbx)).toMatchObject({ ok: false, code: 'not_found' });

    ok(await bufCurl(a, `${AGENT}/SignOut`, { sessionId: s1 }, b1));
    ok(await bufCurl(a, `${AGENT}/SignOut`, { sessionId: s2 }, b2));
    const health = await bufCurl(a, 'grpc.health.v1.Health/Check', { service: AGENT });
    expect(health).toMatchObject({ ok: true, body: { status: 'SERVING' } });
  });
});

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { EnqueueRequest, Presence, UpdateAgentRequest, type WatchTeamResponse } from '@switchboard/contracts';
import { signToken } from '@switchboard/grpc-edge';
import { RouterClient } from '@switchboard/router-api';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, Mesh, SECRET, until } from './support/mesh.js';

/** How a call ended: `OK`, or its status code and the reason the edge gave. */
async function outcome(promise: Promise<unknown>): Promise<'OK' | { code: number; details: string }> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    const e = error as ServiceError;
    return { code: e.code, details: e.details };
  }
}

const denied = (details: string | RegExp) => ({ code: status.PERMISSION_DENIED, details: typeof details === 'string' ? details : expect.stringMatching(details) });

/**
 * Tenants and teams through the real agent gateway and queue service: a token of another domain
 * is refused on every call (PERMISSION_DENIED naming both domains); a supervisor acts only on
 * agents of their teams, moving an agent between teams needs both; ops only watches. Each refusal
 * is checked to have changed nothing.
 */
describe('tenants and teams at the gRPC edges', () => {
  let mesh: Mesh;
  let router: RouterClient;
  let coreDesk: Desk;
  let vipDesk: Desk;
  let md: {
    coreLead: Metadata; vipLead: Metadata; bothLead: Metadata; allLead: Metadata; ops: Metadata;
    otherTenant: Metadata; otherDesk: Metadata; otherPlatform: Metadata;
  };
  const presenceOf = async (agentId: string) => {
    const reply = await router.query({ query: 'agent', agentId });
    return reply.ok ? (reply['agent'] as { presence: string; team: string } | undefined) : undefined;
  };
  const contactOf = async (contactId: string) => {
    const reply = await router.query({ query: 'contact', contactId });
    return reply.ok ? (reply['contact'] as { state: string; agentId?: string; offerToken?: number } | undefined) : undefined;
  };

  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('c1', ['general'], 'core'), agent('c2', ['general'], 'core'), agent('v1', ['general'], 'vip')], graceSeconds: 30 });
    router = mesh.routerClient();
    md = {
      coreLead: await mesh.auth('core-lead', 'supervisor', { teams: ['core'] }),
      vipLead: await mesh.auth('vip-lead', 'supervisor', { teams: ['vip'] }),
      bothLead: await mesh.auth('both-lead', 'supervisor', { teams: ['core', 'vip'] }),
      allLead: await mesh.auth('site-lead', 'supervisor', { teams: ['*'] }),
      ops: await mesh.auth('noc', 'ops'),
      otherTenant: await mesh.auth('intruder', 'supervisor', { domain: 'elsewhere', teams: ['*'] }),
      otherDesk: await mesh.auth('v1', 'agent', { domain: 'elsewhere' }),
      otherPlatform: await mesh.auth('pbx', 'platform', { domain: 'elsewhere' }),
    };
    vipDesk = await Desk.open(mesh, 'v1');
    await vipDesk.signIn();
    await vipDesk.connect();
    // v1 is the only one available: the call rings there and is accepted.
    await enqueue(mesh, 'tn-1');
    const offer = await until('tn-1 offered to v1', async () => {
      const c = await contactOf('tn-1');
      return c?.state === 'OFFERED' && c.agentId === 'v1' ? c.offerToken : undefined;
    });
    await call(vipDesk.api.accept.bind(vipDesk.api), { contactId: 'tn-1', reservationToken: offer! }, vipDesk.md);
    coreDesk = await Desk.open(mesh, 'c1');
    await coreDesk.signIn();
  });

  afterAll(async () => {
    coreDesk?.close();
    vipDesk?.close();
    await mesh?.close();
  });

  it('refuses another tenant’s token on every AgentService and QueueService call, naming both domains, and nothing changes', async () => {
    const g = mesh.agentClient;
    const q = mesh.queueClient;
    const other = denied(`token is for domain "elsewhere", not domain "${mesh.domain}"`);
    // Thunks: each call starts when its row is checked, so no refusal goes unobserved.
    const calls: [string, () => Promise<unknown>][] = [
      ['SignIn', () => call(g.signIn.bind(g), { sessionId: '', initialPresence: undefined }, md.otherDesk)],
      ['Heartbeat', () => call(g.heartbeat.bind(g), { sessionId: vipDesk.sessionId }, md.otherDesk)],
      ['Accept', () => call(g.accept.bind(g), { contactId: 'tn-1', reservationToken: 1 }, md.otherDesk)],
      ['EndContact', () => call(g.endContact.bind(g), { contactId: 'tn-1', reason: '' }, md.otherTenant)],
      ['RequeueContact', () => call(g.requeueContact.bind(g), { contactId: 'tn-1', reason: '' }, md.otherTenant)],
      ['SetAgentPresence', () => call(g.setAgentPresence.bind(g), { agentId: 'v1', presence: Presence.PRESENCE_AWAY, reason: '' }, md.otherTenant)],
      ['SignAgentOut', () => call(g.signAgentOut.bind(g), { agentId: 'v1', reason: '' }, md.otherTenant)],
      ['UpdateAgent', () => call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId: 'v1', updateMask: ['team'], team: 'core' }), md.otherTenant)],
      ['Transfer', () => call(g.transfer.bind(g), { contactId: 'tn-1', queueId: 'general', reason: '' }, md.otherTenant)],
      ['ForceAssign', () => call(g.forceAssign.bind(g), { contactId: 'tn-1', agentId: 'c1' }, md.otherTenant)],
      ['ListQueues', () => call(q.listQueues.bind(q), { domain: '', kind: 0 }, md.otherTenant)],
      ['GetQueueStats', () => call(q.getQueueStats.bind(q), { domain: mesh.domain, queueId: 'general' }, md.otherTenant)],
      ['GetPosition', () => call(q.getPosition.bind(q), { domain: '', contactId: 'tn-1' }, md.otherPlatform)],
      ['Enqueue', () => call(q.enqueue.bind(q), EnqueueRequest.fromPartial({ contact: { id: 'tn-x', channel: 1 } }), md.otherPlatform)],
      ['Cancel', () => call(q.cancel.bind(q), { domain: '', contactId: 'tn-1', reason: '' }, md.otherPlatform)],
      ['Reprioritize', () => call(q.reprioritize.bind(q), { domain: '', contactId: 'tn-1', priority: 9, reason: '' }, md.otherTenant)],
    ];
    for (const [method, run] of calls) expect(await outcome(run()), method).toEqual(other);
    const watch = await firstOf(mesh.agentClient.watchTeam({ team: 'vip' }, md.otherTenant));
    expect(watch).toEqual(other);
    // A token of this domain cannot reach into another one by naming it either.
    expect(await outcome(call(q.listQueues.bind(q), { domain: 'elsewhere', kind: 0 }, md.allLead)))
      .toEqual(denied(`token is for domain "${mesh.domain}", not domain "elsewhere"`));
    expect(await contactOf('tn-1')).toMatchObject({ state: 'CONNECTED', agentId: 'v1' });
    expect(await presenceOf('v1')).toMatchObject({ presence: 'AVAILABLE' });
  });

  it('keeps a supervisor to their teams on every call that concerns an agent, and lets them act on their own', async () => {
    const g = mesh.agentClient;
    const outOfTeam = (method: string) => denied(new RegExp(`^${method}: .*"v1".* is in team "vip", outside the teams you supervise \\(core\\)$`));
    expect(await outcome(call(g.setAgentPresence.bind(g), { agentId: 'v1', presence: Presence.PRESENCE_AWAY, reason: 'coaching' }, md.coreLead))).toEqual(outOfTeam('SetAgentPresence'));
    expect(await outcome(call(g.signAgentOut.bind(g), { agentId: 'v1', reason: '' }, md.coreLead))).toEqual(outOfTeam('SignAgentOut'));
    expect(await outcome(call(g.endContact.bind(g), { contactId: 'tn-1', reason: '' }, md.coreLead))).toEqual(outOfTeam('EndContact'));
    expect(await outcome(call(g.requeueContact.bind(g), { contactId: 'tn-1', reason: '' }, md.coreLead))).toEqual(outOfTeam('RequeueContact'));
    expect(await outcome(call(g.transfer.bind(g), { contactId: 'tn-1', queueId: 'general', reason: '' }, md.coreLead))).toEqual(outOfTeam('Transfer'));
    expect(await outcome(call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId: 'v1', updateMask: ['languages'], languages: ['en'] }), md.coreLead))).toEqual(outOfTeam('UpdateAgent'));
    const q = mesh.queueClient;
    expect(await outcome(call(q.reprioritize.bind(q), { domain: '', contactId: 'tn-1', priority: 9, reason: '' }, md.coreLead))).toEqual(outOfTeam('Reprioritize'));
    expect(await firstOf(g.watchTeam({ team: 'vip' }, md.coreLead))).toEqual(denied('WatchTeam: team "vip" is outside the teams you supervise (core)'));
    // Nothing moved.
    expect(await contactOf('tn-1')).toMatchObject({ state: 'CONNECTED', agentId: 'v1' });
    expect(await presenceOf('v1')).toMatchObject({ presence: 'AVAILABLE', team: 'vip' });

    // Their own team, and "*": allowed.
    expect(await outcome(call(g.setAgentPresence.bind(g), { agentId: 'c1', presence: Presence.PRESENCE_AWAY, reason: 'coaching' }, md.coreLead))).toBe('OK');
    expect(await outcome(call(g.setAgentPresence.bind(g), { agentId: 'c1', presence: Presence.PRESENCE_AVAILABLE, reason: '' }, md.allLead))).toBe('OK');
    expect(await firstOf(g.watchTeam({ team: 'core' }, md.coreLead))).toBe('OK');
    expect(await outcome(call(q.reprioritize.bind(q), { domain: '', contactId: 'tn-1', priority: 9, reason: 'complaint' }, md.vipLead))).toBe('OK');
  });

  it('moves an agent between teams only for a supervisor of both, and takes a contact to an agent only within the teams', async () => {
    const g = mesh.agentClient;
    const move = (agentId: string, team: string, as: Metadata) => call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId, updateMask: ['team'], team }), as);
    expect(await outcome(move('c2', 'vip', md.coreLead))).toEqual(denied('UpdateAgent: agent "c2" would move to team "vip", outside the teams you supervise (core)'));
    expect(await outcome(move('c2', 'core', md.vipLead))).toEqual(denied(/^UpdateAgent: agent "c2" is in team "core", outside the teams you supervise \(vip\)$/));
    expect(await outcome(move('c2', 'vip', md.bothLead))).toBe('OK');
    // c2 is in vip now: the core lead has lost them, the vip lead has them; a reset goes back to core (the directory's), so needs core too.
    expect(await outcome(call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId: 'c2', resetToDirectory: true }), md.vipLead)))
      .toEqual(denied('UpdateAgent: agent "c2" would move to team "core", outside the teams you supervise (vip)'));
    expect(await outcome(call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId: 'c2', updateMask: ['languages'], languages: ['en'] }), md.coreLead)))
      .toEqual(denied(/^UpdateAgent: agent "c2" is in team "vip"/));
    expect(await outcome(call(g.updateAgent.bind(g), UpdateAgentRequest.fromPartial({ agentId: 'c2', resetToDirectory: true }), md.bothLead))).toBe('OK');

    // A waiting contact concerns no agent yet; assigning it to one does.
    await call(g.setAgentPresence.bind(g), { agentId: 'c1', presence: Presence.PRESENCE_AWAY, reason: 'hold' }, md.coreLead);
    await enqueue(mesh, 'tn-2');
    await until('tn-2 waiting', async () => (await contactOf('tn-2'))?.state === 'QUEUED');
    expect(await outcome(call(g.forceAssign.bind(g), { contactId: 'tn-2', agentId: 'c1' }, md.vipLead)))
      .toEqual(denied(/^ForceAssign: agent "c1" is in team "core", outside the teams you supervise \(vip\)$/));
    expect(await contactOf('tn-2')).toMatchObject({ state: 'QUEUED' });
    // Ringing at c1 (core), it concerns c1: the vip lead may neither cancel nor end it, the core lead may.
    await call(g.setAgentPresence.bind(g), { agentId: 'c1', presence: Presence.PRESENCE_AVAILABLE, reason: '' }, md.coreLead);
    await until('tn-2 ringing at c1', async () => (await contactOf('tn-2'))?.agentId === 'c1');
    const q = mesh.queueClient;
    expect(await outcome(call(q.cancel.bind(q), { domain: '', contactId: 'tn-2', reason: 'left' }, md.vipLead)))
      .toEqual(denied('Cancel: the agent of contact "tn-2" ("c1") is in team "core", outside the teams you supervise (vip)'));
    expect(await outcome(call(g.endContact.bind(g), { contactId: 'tn-2', reason: 'test over' }, md.vipLead))).toEqual(denied(/^EndContact: agent "c1" is in team "core"/));
    expect(await outcome(call(g.endContact.bind(g), { contactId: 'tn-2', reason: 'test over' }, md.coreLead))).toBe('OK');
  });

  it('lets ops watch any team of the domain and nothing more', async () => {
    const g = mesh.agentClient;
    expect(await firstOf(g.watchTeam({ team: 'vip' }, md.ops))).toBe('OK');
    expect(await outcome(call(g.setAgentPresence.bind(g), { agentId: 'v1', presence: Presence.PRESENCE_AWAY, reason: '' }, md.ops)))
      .toEqual(denied('SetAgentPresence needs role supervisor'));
    expect(await outcome(call(g.endContact.bind(g), { contactId: 'tn-1', reason: '' }, md.ops))).toEqual(denied('EndContact needs role supervisor'));
    const q = mesh.queueClient;
    expect(await outcome(call(q.reprioritize.bind(q), { domain: '', contactId: 'tn-1', priority: 1, reason: '' }, md.ops))).toEqual(denied('Reprioritize needs role supervisor'));
    expect(await outcome(call(q.listQueues.bind(q), { domain: '', kind: 0 }, md.ops))).toBe('OK');
  });

  it('answers UNAUTHENTICATED for a token without exp, an expired one, or one of another issuer or audience', async () => {
    const g = mesh.agentClient;
    const bearer = (token: string) => {
      const m = new Metadata();
      m.set('authorization', `Bearer ${token}`);
      return m;
    };
    const claims = { subject: 'v1', role: 'agent' as const, domain: mesh.domain };
    const signIn = (m: Metadata) => outcome(call(g.signIn.bind(g), { sessionId: '', initialPresence: undefined }, m));
    expect(await signIn(bearer(await signToken(SECRET, { ...claims, ttl: -5 })))).toEqual({ code: status.UNAUTHENTICATED, details: 'token expired' });
    expect(await signIn(bearer(await signToken(SECRET, { ...claims, issuer: 'someone-else' })))).toEqual({ code: status.UNAUTHENTICATED, details: 'token issuer is not "switchboard"' });
    expect(await signIn(bearer(await signToken(SECRET, { ...claims, audience: 'another-app' })))).toEqual({ code: status.UNAUTHENTICATED, details: 'token audience does not include "switchboard"' });
    // Signed by hand: signToken always sets exp.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'v1', role: 'agent', domain: mesh.domain, iss: 'switchboard', aud: 'switchboard' })}`;
    const forever = `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
    expect(await signIn(bearer(forever))).toEqual({ code: status.UNAUTHENTICATED, details: 'token has no exp: every token must expire' });
  });
});

/** The first thing a server stream says: `OK` for a message (then cancelled), or how it failed. */
function firstOf(stream: ClientReadableStream<WatchTeamResponse>): Promise<'OK' | { code: number; details: string }> {
  return new Promise((resolve) => {
    stream.on('data', (_m: WatchTeamResponse) => {
      resolve('OK');
      stream.cancel();
    });
    stream.on('error', (e: ServiceError) => resolve(e.code === status.CANCELLED ? 'OK' : { code: e.code, details: e.details }));
  });
}

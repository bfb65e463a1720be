import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactState, QueueConfig, QueueKind, SelectionStrategy } from '@switchboard/contracts';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

// The ACLs are proven sufficient, not just restrictive: the real router, gateway and queue service
// each run under their own Redis user (deploy's ACL for the test prefix) through a whole contact.
describe('router, agent gateway and queue service under their Redis ACL users', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('a1')], redisAcl: true });
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it('a desk signs in (gateway session), a queue is created (queue-service CAS) and a contact is offered, accepted and completed', async () => {
    const sup = await mesh.auth('lead', 'supervisor');
    const created = await call(mesh.queueClient.createQueue.bind(mesh.queueClient), { queue: QueueConfig.fromPartial({
      id: 'acl', displayName: 'ACL', kind: QueueKind.QUEUE_KIND_PRIORITY, serviceLevel: { share: 0.8, withinSeconds: 20 },
      strategy: SelectionStrategy.SELECTION_STRATEGY_LONGEST_IDLE, offerTimeoutSeconds: 10, wrapUpSeconds: 0, missesBeforeAway: 3 }) }, sup);
    expect(created.queue).toMatchObject({ id: 'acl', version: 1 });
    const desk = await Desk.open(mesh, 'a1');
    await desk.signIn();
    await desk.connect();
    await enqueue(mesh, 'c-acl');
    const offer = await desk.nextOffer('c-acl');
    expect((await desk.accept(offer)).contact?.state).toBe(ContactState.CONTACT_STATE_CONNECTED);
    await desk.complete('c-acl');
    await until('COMPLETED on the stream', () => desk.messages.some((m) => m.contactStateChanged?.state === ContactState.CONTACT_STATE_COMPLETED));
    // Each wrote its own keys on the ACL'd server, under the test prefix.
    const admin = mesh.acl!.client(mesh.acl!.admin);
    const p = mesh.scope.redisPrefix;
    expect(await admin.exists(`${p}{d:${mesh.domain}}:lease`)).toBe(1);
    expect(await admin.exists(`${p}gw:{d:${mesh.domain}}:session:a1`)).toBe(1);
    expect(await admin.hget(`${p}qs:{d:${mesh.domain}}:queue:acl`, 'version')).toBe('1');
    desk.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactState, CustomerServiceClient, LinkIdentifiersRequest, QueueConfig, QueueKind, SelectionStrategy } from '@switchboard/contracts';
import { credentials } from '@grpc/grpc-js';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

// The ACLs are proven sufficient, not just restrictive: the real router, gateway and queue service
// each run under their own Redis user (deploy's ACL for the test prefix) through a whole contact.
describe('router, agent gateway and queue service under their Redis ACL users', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('a1')], redisAcl: true, customerKeySecret: 'acl-test-customer-key-secret' });
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
    // The router resolved the contact's customer (its phone number) under its user, and the queue
    // service links customers for a CRM under its own.
    expect(offer.contact?.customerKey).toMatch(/^c\d+$/);
    const crm = new CustomerServiceClient(`127.0.0.1:${mesh.queues.port}`, credentials.createInsecure());
    const linked = await call(crm.linkIdentifiers.bind(crm), LinkIdentifiersRequest.fromPartial({
      identifiers: [{ kind: 'phone', value: '+4930123456' }, { kind: 'email', value: 'acl@example.com' }] }), await mesh.auth('crm', 'platform'));
    expect(linked.customerKey).toBe(offer.contact?.customerKey);
    expect(await admin.exists(`${p}{d:${mesh.domain}}:cust:c:${linked.customerKey}:ids`)).toBe(1);
    crm.close();
    desk.close();
  });
});

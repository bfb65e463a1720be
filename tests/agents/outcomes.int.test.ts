import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { status, type ServiceError } from '@grpc/grpc-js';
import { startOps, type RunningOps } from '@switchboard/ops';
import { OPS_TEST_AUTH, opsAuthorization } from '../support/ops-auth.js';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

const CATALOGUE = ['resolved', 'follow-up', 'escalated'];

/** The agent rules with a disposition catalogue on the general queue, and a second queue to transfer to. */
function rulesWithCatalogue(): Record<string, unknown> {
  const rules = agentRules() as { queues: Record<string, unknown>[] };
  // A 1-second FCR window: a resolution is provisional until its window passes without a repeat
  // contact (README, "One customer across channels"); these contacts have no customer to repeat.
  rules.queues[0] = { ...rules.queues[0], dispositions: CATALOGUE, customer: { fcrWindowSeconds: 1 } };
  rules.queues.push({ ...rules.queues[0], id: 'billing' });
  return rules;
}

/**
 * Outcomes reach the record: desks complete over gRPC with dispositions from the queue's
 * catalogue, notes and their FCR answer; a transfer carries its reason and who asked. The record
 * (ROUTING) holds them, and FCR on the console's snapshot (ops) and in QueueService's stats is
 * computed from them.
 */
describe('outcomes of contacts over gRPC reach ROUTING and the KPIs', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let desk: Desk;
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: rulesWithCatalogue(), agents: [agent('a1', ['general', 'billing'])], graceSeconds: 1 });
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: OPS_TEST_AUTH },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
    desk = await Desk.open(mesh, 'a1');
    await desk.signIn();
    await desk.connect();
  });
  afterAll(async () => {
    desk?.close();
    await ops?.stop();
    await mesh?.close();
  });

  const complete = (contactId: string, disposition: string, resolvedFirstContact: boolean, notes = '') =>
    call(desk.api.complete.bind(desk.api), { contactId, disposition, notes, wrapUpSeconds: 0, resolvedFirstContact }, desk.md);
  const answer = async (contactId: string) => {
    await enqueue(mesh, contactId);
    await desk.accept(await desk.nextOffer(contactId));
  };
  const waitForFree = () => until('a1 free', async () => {
    const stats = await call(mesh.queueClient.getQueueStats.bind(mesh.queueClient), { domain: '', queueId: 'general' }, await mesh.auth('sup', 'supervisor'));
    return stats.stats?.agentsAvailable === 1 ? stats : undefined;
  });

  it('refuses a disposition outside the queue\'s catalogue with INVALID_ARGUMENT naming the codes, and the contact stays connected', async () => {
    await answer('o-bad');
    const error = await complete('o-bad', 'sold-a-phone', true).catch((e: ServiceError) => e);
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((error as ServiceError).details).toMatch(/disposition.*'sold-a-phone' is not one of queue general's: resolved, follow-up, escalated/);
    await complete('o-bad', 'resolved', true);
    await waitForFree();
  });

  it('records disposition, notes and the FCR answer on ROUTING, and FCR on the console and in QueueService is computed from them', async () => {
    await answer('o-2');
    await complete('o-2', 'follow-up', false, 'customer sends the order number by email');
    await waitForFree();
    await answer('o-3');
    await complete('o-3', 'resolved', true);
    await waitForFree();
    await answer('o-4');
    await complete('o-4', 'escalated', false, 'handed to tier 2');
    await waitForFree();
    const completed = await until('the completions on ROUTING', async () => {
      const found = (await mesh.routingEvents()).filter((e) => e.completed);
      return found.length === 4 ? found : undefined;
    });
    expect(completed.map((e) => [e.contactId, e.completed!.disposition, e.completed!.notes, e.completed!.resolvedFirstContact])).toEqual([
      ['o-bad', 'resolved', '', true],
      ['o-2', 'follow-up', 'customer sends the order number by email', false],
      ['o-3', 'resolved', '', true],
      ['o-4', 'escalated', 'handed to tier 2', false],
    ]);
    // 2 of 4 outcomes resolved on the first contact, once their 1-second windows passed.
    const stats = await until('FCR in QueueService', async () => {
      const r = await call(mesh.queueClient.getQueueStats.bind(mesh.queueClient), { domain: '', queueId: 'general' }, await mesh.auth('sup', 'supervisor'));
      return r.stats?.firstContactResolution === 0.5 ? r.stats : undefined;
    });
    expect(stats.firstContactResolution).toBe(0.5);
    const tile = await until('FCR on the console snapshot', async () => {
      const snapshot = await (await fetch(`http://127.0.0.1:${ops.httpPort}/api/snapshot`, { headers: await opsAuthorization(mesh.domain) })).json() as { queues?: { queueId: string; firstContactResolution?: number }[] };
      const general = snapshot.queues?.find((q) => q.queueId === 'general');
      return general?.firstContactResolution === 0.5 ? general : undefined;
    }, 15_000);
    expect(tile.firstContactResolution).toBe(0.5);
  });

  it('a transfer carries its reason and who asked on ROUTING', async () => {
    await answer('o-transfer');
    await call(desk.api.transfer.bind(desk.api), { contactId: 'o-transfer', queueId: 'billing', reason: 'billing question, not a complaint' }, desk.md);
    const transferred = await until('the transfer on ROUTING', async () => (await mesh.routingEvents()).find((e) => e.transferred && e.contactId === 'o-transfer'));
    expect(transferred.transferred).toMatchObject({ fromAgentId: 'a1', toQueueId: 'billing', by: 'a1', reason: 'billing question, not a complaint' });
  });
});

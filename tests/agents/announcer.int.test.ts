import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerNotice, GetPositionRequest, RequestCallbackRequest, type GetPositionResponse, type RequestCallbackResponse } from '@switchboard/contracts';
import type { Subscription } from 'nats';
import { enqueue, agentRules } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

/**
 * The waiting customer hears where they stand: queue-service's announcer publishes a
 * CustomerNotice for each waiting live contact on `<root>.customer.<domain>.<channel>` as soon as
 * it waits and then at its queue's cadence, with GetPosition's position and estimate; a contact
 * whose customer asked to be called back is no longer announced (nobody is on the line).
 */
describe('position announcements', () => {
  let mesh: Mesh;
  let sub: Subscription;
  const notices: CustomerNotice[] = [];

  beforeAll(async () => {
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], announceEverySeconds: 10 };
    mesh = await Mesh.start({ rules, agents: [], announceTickMs: 200 });
    sub = mesh.nats.nc.subscribe(`${mesh.names.subjectRoot}.customer.${mesh.domain}.phone`, {
      callback: (_e, msg) => notices.push(CustomerNotice.decode(msg.data)),
    });
  });

  afterAll(async () => {
    sub?.unsubscribe();
    await mesh?.close();
  });

  it('announces each waiting caller at once with GetPosition’s place and wait, then not again within the cadence', async () => {
    for (const id of ['ann-1', 'ann-2', 'ann-3']) await enqueue(mesh, id);
    await until('a notice for each caller', () => new Set(notices.map((n) => n.contactId)).size === 3 || undefined, 10_000);
    const first = new Map(notices.map((n) => [n.contactId, n]));
    expect(['ann-1', 'ann-2', 'ann-3'].map((id) => first.get(id)?.position)).toEqual([1, 2, 3]);
    const md = await mesh.auth('pbx', 'platform');
    for (const id of ['ann-1', 'ann-2', 'ann-3']) {
      const position = await call<GetPositionRequest, GetPositionResponse>(mesh.queueClient.getPosition.bind(mesh.queueClient),
        GetPositionRequest.fromPartial({ domain: mesh.domain, contactId: id }), md);
      expect(first.get(id)).toMatchObject({ queueId: 'general', position: position.position, callbackOffered: false });
      // No agent and no history: the configured cycle per position, as GetPosition says.
      expect(first.get(id)!.estimatedWaitSeconds).toBeCloseTo(position.estimatedWaitSeconds, 6);
    }
    const count = notices.length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(notices.length).toBe(count);
  });

  it('stops announcing a contact once its customer asked to be called back, which keeps its place', async () => {
    const md = await mesh.auth('pbx', 'platform');
    const kept = await call<RequestCallbackRequest, RequestCallbackResponse>(mesh.queueClient.requestCallback.bind(mesh.queueClient),
      RequestCallbackRequest.fromPartial({ domain: mesh.domain, contactId: 'ann-2', number: '+8613800138000' }), md);
    expect(kept.position).toBe(2);
    const before = notices.length;
    await until('the next round of notices', () => notices.length >= before + 2 || undefined, 15_000);
    const later = notices.slice(before);
    expect(later.map((n) => n.contactId).sort()).toEqual(['ann-1', 'ann-3']);
    expect(later.find((n) => n.contactId === 'ann-3')?.position).toBe(3);
  }, 20_000);

  it('refuses a callback number that is not E.164, naming the field', async () => {
    const md = await mesh.auth('pbx', 'platform');
    await expect(call(mesh.queueClient.requestCallback.bind(mesh.queueClient),
      RequestCallbackRequest.fromPartial({ domain: mesh.domain, contactId: 'ann-1', number: '13800138000' }), md)).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/number/) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { audit, readDomainRecord, type AuditReport } from '@switchboard/auditor';
import { ensureStreams, readSubject, routingSubject, type BusNames } from '@switchboard/bus';
import type { RoutingEvent } from '@switchboard/contracts';
import { RoutingEngine, type RoutingCommand } from '@switchboard/routing-core';
import { eventToProto, ruleSetFrom, startRouter, type RunningRouter } from '@switchboard/router';
import { CommandVerifier, readRoutingBatch, ROUTING_BATCH, type AppliedRecord } from '@switchboard/router-api';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis } from '@switchboard/testkit';
import { pumpContacts } from '../support/contact-pump.js';
import { SimulatedDesks } from '../support/simulated-desks.js';
import { loadRules } from '../support/load-rules.js';

const CONTACTS = 5_100;

describe('three router replicas under concurrent load', () => {
  const scope = createTestScope('replicas');
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  const domains = ['a', 'b', 'c'].map((d) => `${scope.domain}${d}`);
  const routers: RunningRouter[] = [];
  const desks: SimulatedDesks[] = [];
  let nats: TestNats;
  let redis: TestRedis;

  beforeAll(async () => {
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    routers.push(...await Promise.all([1, 2, 3].map((i) => startRouter({
      natsUrl: nats.url, redisUrl: redis.url, domains, rules: ruleSetFrom(loadRules), names, keyPrefix: scope.redisPrefix,
      replicaId: `replica-${i}`, leaseTtlMs: 1_500, ackWaitMs: 3_000, commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()), logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    }))));
  });
  afterAll(async () => {
    for (const desk of desks) desk.stop();
    await Promise.all(routers.map((r) => r.stop()));
    await redis.cleanup();
    await nats.cleanup();
  });

  it(`routes ${CONTACTS} contacts across three replicas with no double assignment and no agent over capacity`, async () => {
    // Every replica ends up owning one domain: the first to start hands domains to the others.
    await expect.poll(() => routers.map((r) => r.replica.ownedDomains().length), { timeout: 15_000 }).toEqual([1, 1, 1]);
    for (const domain of domains) {
      const desk = new SimulatedDesks(nats.nc, { domain, names, agents: 25, prefix: `${domain}-agent`, capacity: { chat: 3 }, handleMs: 5 });
      desks.push(desk);
      await desk.start();
    }
    const plan = Array.from({ length: CONTACTS }, (_, i) => ({ domain: domains[i % 3]!, id: `load-${i}` }));
    const accepted = await pumpContacts(nats.js, names, plan, { concurrency: 32 });
    expect(accepted).toHaveLength(CONTACTS);

    const reports = async (): Promise<AuditReport[]> => Promise.all(domains.map(async (domain) =>
      audit({ ...(await readDomainRecord(nats.js, nats.jsm, names, domain)), expectAllFinished: true })));
    await expect.poll(async () => (await reports()).reduce((n, r) => n + r.finished, 0), { timeout: 240_000, interval: 2_000 }).toBe(CONTACTS);
    for (const report of await reports()) {
      expect(report.findings).toEqual([]);
      expect(report).toMatchObject({ lost: 0, doubleAssigned: 0, overCapacity: 0, orderViolations: 0 });
    }
    for (const domain of domains) await expectCoreDecisions(domain, plan.filter((p) => p.domain === domain).map((p) => p.id));
  }, 300_000);

  /**
   * The router's decisions are the core's: a fresh engine, fed the same agent actions and timer
   * firings (the router's records, at their times) and the same contacts — classified here,
   * independently, through the shared rule set — emits exactly the events on ROUTING.
   */
  async function expectCoreDecisions(domain: string, contactIds: readonly string[]): Promise<void> {
    const records: AppliedRecord[] = [];
    const routed = new Map<string, RoutingEvent>();
    for await (const msg of readSubject(nats.js, nats.jsm, names.routingStream, routingSubject(names, domain, ROUTING_BATCH))) {
      const batch = readRoutingBatch(msg.data);
      records.push(...batch.records);
      for (const e of batch.events) routed.set(e.id, e);
    }
    const rules = ruleSetFrom(loadRules);
    const core = new RoutingEngine({ domainId: domain, ruleVersion: rules.version });
    const arrived = new Set<string>();
    let events = 0;
    for (const record of records.sort((a, b) => a.n - b.n)) {
      let cmd: RoutingCommand = record.cmd;
      if (cmd.type === 'ARRIVE') {
        // The pump sent STANDARD chat contacts with no intent, language or attributes.
        const route = rules.classify({ channel: 'chat', tier: 'STANDARD', attributes: {} });
        cmd = { type: 'ARRIVE', contact: { ...cmd.contact, queueId: route.queueId, basePriority: route.basePriority,
          ...(route.requiredSkills.length > 0 ? { requiredSkills: route.requiredSkills } : {}) } };
        expect(cmd).toEqual(record.cmd);
        arrived.add(cmd.contact.id);
      }
      for (const event of core.apply(cmd, record.at).events) {
        events++;
        expect(routed.get(event.id)).toEqual(eventToProto(domain, event));
      }
    }
    expect([...arrived].sort()).toEqual([...contactIds].sort());
    expect(events).toBe(routed.size);
  }
});

import { join } from 'node:path';
import { routerThroughput, startOtlpSink, type Ceiling, type ThroughputResult } from '@switchboard/bench';
import type { BenchOptions, BenchTarget } from './targets.js';

const FULL = { contacts: 20_000, overheadContacts: 12_000 };
const QUICK = { contacts: 300, overheadContacts: 200 };

/**
 * With SWITCHBOARD_BENCH_CPU_PROF=<dir> (as for `bench e2e`) each router process of a case writes
 * a V8 CPU profile to `<dir>/<case>` when it stops.
 */
function profileDir(name: string): { cpuProfileDir?: string } {
  const dir = process.env.SWITCHBOARD_BENCH_CPU_PROF;
  return dir ? { cpuProfileDir: join(dir, name) } : {};
}

/**
 * The machine's raw rate for one contact's worth of the router's own NATS and Redis work, from
 * the per-contact counts the run measured: each ROUTING message (one per committed batch) is one
 * JetStream publish, each batch one Lua script, and the contact itself one consume + ack. The slowest resource first:
 * the work is serial per contact at the rates below, so the times add up.
 */
export function ceilingPerContact(ceiling: Ceiling, run: ThroughputResult): number {
  const secondsPerContact = run.routingMessagesPerContact / ceiling.jetstreamPublishPerSecond
    + 1 / ceiling.jetstreamConsumeAckPerSecond + run.commitsPerContact / ceiling.redisCommitScriptsPerSecond;
  return 1 / secondsPerContact;
}

/** `bench ceiling`: raw JetStream, Redis-script and core rates on this machine, in this run. */
export const ceilingBench: BenchTarget = {
  description: 'the machine\'s ceiling: JetStream publish, consume+ack, the router\'s commit script, core commands',
  runByDefault: true,
  run: async (options) => ({ ...(await options.session.ceiling()) }),
};

/** `bench router`: contacts pre-published to CONTACTS, routed by one replica and by three (3 domains each). */
export const routerBench: BenchTarget = {
  description: 'router throughput: one replica and three, over three domains, vs the ceiling of its own NATS + Redis work',
  runByDefault: true,
  run: async (options: BenchOptions) => {
    const size = options.quick ? QUICK : FULL;
    const servers = await options.session.servers();
    const ceiling = await options.session.ceiling();
    const one = await routerThroughput(servers, { replicas: 1, domains: 3, contacts: size.contacts, ...profileDir('one-replica') });
    options.log(`router: 1 replica, 3 domains: ${one.contactsPerSecond.toFixed(0)} contacts/s`);
    const three = await routerThroughput(servers, { replicas: 3, domains: 3, contacts: size.contacts, ...profileDir('three-replicas') });
    options.log(`router: 3 replicas, 3 domains: ${three.contactsPerSecond.toFixed(0)} contacts/s`);
    const single = await routerThroughput(servers, { replicas: 1, domains: 1, contacts: size.contacts, ...profileDir('one-replica-one-domain') });
    options.log(`router: 1 replica, 1 domain: ${single.contactsPerSecond.toFixed(0)} contacts/s`);
    const perContact = ceilingPerContact(ceiling, one);
    return {
      oneReplica: one, threeReplicas: three, oneReplicaOneDomain: single,
      threeOverOne: ratio(three.contactsPerSecond / one.contactsPerSecond),
      ceilingContactsPerSecond: Math.round(perContact),
      oneReplicaShareOfCeiling: ratio(one.contactsPerSecond / perContact),
      ceilingDefinition: 'one contact\'s measured ROUTING publishes, commit scripts and one consume+ack at the raw rates of this run, added up',
    };
  },
};

/** `bench overhead`: the same one-replica run with tracing (ratio 1, OTLP to a local no-op receiver) and info logs, vs both off. */
export const overheadBench: BenchTarget = {
  description: 'tracing and logging cost: one replica with OTEL sampling 1 + OTLP export + info logs vs off',
  runByDefault: true,
  run: async (options: BenchOptions) => {
    const size = options.quick ? QUICK : FULL;
    const servers = await options.session.servers();
    const sink = await startOtlpSink();
    try {
      const off = await routerThroughput(servers, { replicas: 1, domains: 1, contacts: size.overheadContacts, logLevel: 'warn' });
      const on = await routerThroughput(servers, { replicas: 1, domains: 1, contacts: size.overheadContacts, tracing: true, otlpEndpoint: sink.url, logLevel: 'info' });
      options.log(`overhead: off ${off.contactsPerSecond.toFixed(0)}/s, on ${on.contactsPerSecond.toFixed(0)}/s`);
      return {
        off, on, otlpExportRequests: sink.requests(), otlpExportBytes: sink.bytes(),
        costShare: ratio(1 - on.contactsPerSecond / off.contactsPerSecond),
      };
    } finally {
      await sink.close();
    }
  },
};

const ratio = (x: number) => Number(x.toFixed(3));

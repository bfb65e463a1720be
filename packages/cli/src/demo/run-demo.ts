import type { NatsConnection } from 'nats';
import { connectBus } from '@switchboard/bus';
import type { CommandSigner } from '@switchboard/router-api';
import { demoRoster } from './roster.js';
import { SimulatedAgents } from './simulated-agents.js';
import { DemoTraffic, type TrafficTargets } from './traffic.js';

/** What `--demo` runs with. */
export interface DemoOptions {
  readonly natsUrl: string;
  readonly domain: string;
  readonly targets: TrafficTargets;
  /** New contacts per minute. */
  readonly ratePerMinute: number;
  readonly agents: number;
  /** How much faster than life people talk (10 = a 3-minute call takes 18 s). */
  readonly speed: number;
  readonly log: (message: string) => void;
  /** Signs the simulated desks' commands (the operator's key the launcher gave the router). */
  readonly commandSigner: CommandSigner;
}

/** A running demo; `stop` ends traffic and agents and closes its NATS link. */
export interface RunningDemo {
  readonly agents: SimulatedAgents;
  readonly traffic: DemoTraffic;
  stop(): Promise<void>;
}

/**
 * Starts the simulated contact centre: agents first (so the first contacts find someone), then
 * customer traffic, and a status line every 15 s.
 */
export async function runDemo(options: DemoOptions): Promise<RunningDemo> {
  const nc: NatsConnection = await connectBus({ url: options.natsUrl, name: 'switchboard demo' });
  const agents = new SimulatedAgents(nc, options.domain, demoRoster(options.agents),
    { declineShare: 0.08, missShare: 0.03, speed: options.speed }, options.log, options.commandSigner);
  await agents.start();
  const traffic = new DemoTraffic(options.targets, { ratePerMinute: options.ratePerMinute }, options.log);
  traffic.start();
  options.log(`traffic: ~${options.ratePerMinute} contacts/min over phone, chat, WeChat and email (x${options.speed} speed)`);
  const status = setInterval(() => {
    const s = traffic.sent;
    const a = agents.counts;
    options.log(`sent phone ${s.phone} chat ${s.chat} wechat ${s.wechat} email ${s.email} · offers ${a.offers} accepted ${a.accepted} declined ${a.declined} missed ${a.missed} completed ${a.completed}`);
  }, 15_000);
  status.unref();
  return {
    agents,
    traffic,
    async stop() {
      clearInterval(status);
      traffic.stop();
      agents.stop();
      await nc.drain().catch(() => undefined);
    },
  };
}

import type { NatsConnection } from 'nats';
import { connectBus } from '@switchboard/bus';
import type { CommandSigner } from '@switchboard/router-api';
import { demoCapacity } from './capacity.js';
import { demoRoster } from './roster.js';
import { SimulatedAgents } from './simulated-agents.js';
import { DemoTraffic, type TrafficTargets } from './traffic.js';

/** The demand of a `load` run's warm-up, as a share of capacity. */
const WARMUP_LOAD = 0.7;

/** What `--demo` runs with. */
export interface DemoOptions {
  readonly natsUrl: string;
  readonly domain: string;
  readonly targets: TrafficTargets;
  /** New contacts per minute (unless `load` is given). */
  readonly ratePerMinute: number;
  /**
   * Demand as a multiple of the roster's capacity (`demoCapacity`): 1.5 = 150 % of what the desks
   * can serve. Overrides `ratePerMinute`.
   */
  readonly load?: number;
  /** Share of customers with a VIP tier (phone callers keep it; default 0.12). */
  readonly vipShare?: number;
  /** With `load`: seconds at 70 % of capacity first (so the forecast sees the desks' cycle time), then `load`. */
  readonly warmupSeconds?: number;
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
  const roster = demoRoster(options.agents);
  const capacity = demoCapacity(roster, options.speed).perMinute;
  const warmup = options.load !== undefined && (options.warmupSeconds ?? 0) > 0 ? options.warmupSeconds! : 0;
  const rate = options.load === undefined ? options.ratePerMinute : capacity * (warmup > 0 ? WARMUP_LOAD : options.load);
  const traffic = new DemoTraffic(options.targets, { ratePerMinute: rate, ...(options.vipShare === undefined ? {} : { vipShare: options.vipShare }) }, options.log);
  traffic.start();
  options.log(`traffic: ~${rate.toFixed(1)} contacts/min over phone, chat, WeChat and email (x${options.speed} speed; `
    + `the ${roster.length} desks serve ~${capacity.toFixed(1)}/min: ${Math.round((rate / capacity) * 100)} % of capacity)`);
  const surge = warmup > 0 ? setTimeout(() => {
    traffic.setRate(capacity * options.load!);
    options.log(`traffic: ~${(capacity * options.load!).toFixed(1)} contacts/min: ${Math.round(options.load! * 100)} % of capacity`);
  }, warmup * 1000) : undefined;
  surge?.unref();
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
      clearTimeout(surge);
      traffic.stop();
      agents.stop();
      await nc.drain().catch(() => undefined);
    },
  };
}

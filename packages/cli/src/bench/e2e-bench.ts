import { BenchDesktops, rounded, startE2eMesh, summarize, type LatencySummary } from '@switchboard/bench';
import { BenchPlatforms } from './e2e-platforms.js';
import type { BenchOptions, BenchTarget } from './targets.js';

interface E2eSize { agents: number; saturationSeconds: number; stepSeconds: number; senders: number }
const FULL: E2eSize = { agents: 200, saturationSeconds: 20, stepSeconds: 15, senders: 96 };
const QUICK: E2eSize = { agents: 10, saturationSeconds: 3, stepSeconds: 2, senders: 8 };

/** Of every 20 contacts: 10 calls, 4 chats, 3 emails, 3 WeChat messages. */
const MIX = ['phone', 'chat', 'phone', 'email', 'phone', 'wechat', 'phone', 'chat', 'phone', 'email', 'phone', 'wechat', 'phone', 'chat', 'phone', 'email', 'phone', 'wechat', 'phone', 'chat'] as const;
const LOADS = [0.25, 0.5, 0.8] as const;

/** One load step's figures. */
export interface E2eStep {
  readonly loadShare: number;
  readonly offeredRate: number;
  readonly achievedContactsPerSecond: number;
  readonly ingestToOfferMs: LatencySummary;
}

/**
 * `bench e2e`: platforms over HTTP (phone, chat), SMTP and the WeChat callback → ingestion →
 * router → agent-gateway → desktops over gRPC streams that accept and complete. First the
 * saturation (closed loop, `senders` platform calls in flight), then open-loop steps at 25%, 50%
 * and 80% of it with ingest-to-offer latency: the contact's `receivedAt` (stamped by the ingestion
 * service on receipt) to the offer on the desktop stream, same clock. WeChat is left out of the
 * latency because its `receivedAt` is the platform's CreateTime, in whole seconds.
 */
export const e2eBench: BenchTarget = {
  description: 'end to end: platforms → ingestion → router → agent-gateway → gRPC desktops; saturation and latency at 25/50/80%',
  runByDefault: true,
  run: async (options: BenchOptions) => runE2e(options.quick ? QUICK : FULL, options),
};

async function runE2e(size: E2eSize, options: BenchOptions): Promise<Record<string, unknown>> {
  const servers = await options.session.servers();
  const mesh = await startE2eMesh(servers, size.agents);
  const desktops = new BenchDesktops(mesh.ports.gateway);
  const platforms = new BenchPlatforms(mesh);
  let sent = 0;
  const errors: string[] = [];
  let failed = 0;
  const send = async () => {
    const channel = MIX[sent++ % MIX.length]!;
    try {
      await platforms[channel]();
    } catch (error) {
      failed++;
      if (errors.push(`${channel}: ${(error as Error).message}`) > 50) errors.shift();
    }
  };
  try {
    await desktops.signIn(mesh.agentIds, mesh.secrets.jwt, mesh.domain);
    options.log(`e2e: mesh up, ${size.agents} desktops signed in; saturating for ${size.saturationSeconds} s`);
    const satStart = Date.now();
    const until = satStart + size.saturationSeconds * 1000;
    await Promise.all(Array.from({ length: size.senders }, async () => { while (Date.now() < until) await send(); }));
    const saturation = desktops.since(satStart + 1000).filter((s) => s.at <= until).length / (size.saturationSeconds - 1);
    options.log(`e2e: saturation ${saturation.toFixed(0)} contacts/s`);
    // Saturation leaves a backlog; latency steps start from an empty mesh, or they measure the queue.
    await drained(desktops, () => sent - failed, 120_000);
    const steps: E2eStep[] = [];
    for (const share of LOADS) {
      const rate = Math.max(1, saturation * share);
      const from = Date.now();
      await openLoop(rate, size.stepSeconds, send);
      await new Promise((r) => setTimeout(r, 1500));
      const samples = desktops.since(from + 500).filter((s) => s.at <= from + size.stepSeconds * 1000 + 1500);
      const timed = samples.filter((s) => s.channel !== 'wechat').map((s) => s.ingestToOfferMs);
      steps.push({ loadShare: share, offeredRate: round(rate), achievedContactsPerSecond: round(samples.length / (size.stepSeconds - 0.5)), ingestToOfferMs: rounded(summarize(timed)) });
      options.log(`e2e: ${share * 100}% (${rate.toFixed(0)}/s): p50 ${steps.at(-1)!.ingestToOfferMs.p50} ms, p99 ${steps.at(-1)!.ingestToOfferMs.p99} ms`);
    }
    return {
      agents: size.agents, mix: { phone: 10, chat: 4, email: 3, wechat: 3 }, contactsSent: sent, offersSeen: desktops.samples.length, offersByChannel: countByChannel(desktops.samples),
      completed: desktops.completed, desktopFailures: desktops.failures, platformErrors: failed, lastPlatformErrors: errors.slice(-5),
      saturationContactsPerSecond: round(saturation), steps,
      latencyDefinition: 'contact receivedAt (stamped by the ingestion service) to the offer on the desktop gRPC stream; phone, chat and email (WeChat receivedAt is whole seconds)',
    };
  } finally {
    desktops.close();
    platforms.close();
    await mesh.close();
  }
}

/**
 * Waits until the desktops have seen an offer for every contact sent, or until offers stop coming
 * for 3 s (some sends continue a conversation instead of opening a contact), at most `timeoutMs`.
 */
async function drained(desktops: BenchDesktops, accepted: () => number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let quietSince = Date.now();
  while (desktops.samples.length < accepted() && Date.now() < deadline && Date.now() - quietSince < 3_000) {
    if (desktops.samples.length !== seen) {
      seen = desktops.samples.length;
      quietSince = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 1000));
}

/** Starts `rate` sends a second for `seconds`, whatever the answers take (up to 4,000 in flight). */
async function openLoop(rate: number, seconds: number, send: () => Promise<void>): Promise<void> {
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; issued < due && inFlight.size < 4_000; issued++) {
      const p = send().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inFlight);
}

function countByChannel(samples: readonly { channel: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { channel } of samples) counts[channel] = (counts[channel] ?? 0) + 1;
  return counts;
}

const round = (x: number) => Number(x.toFixed(1));

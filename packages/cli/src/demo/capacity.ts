import { Channel } from '@switchboard/contracts';
import type { DemoAgent } from './roster.js';
import { ACCEPT_DELAY_MS, HANDLE_SECONDS, WRAP_UP_MS } from './simulated-agents.js';
import { CHANNEL_MIX, type DemoChannel } from './traffic.js';

const CHANNEL_OF: Record<DemoChannel, Channel> = {
  phone: Channel.CHANNEL_PHONE, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT, email: Channel.CHANNEL_EMAIL,
};
const mean = ([min, max]: readonly [number, number]) => (min + max) / 2;

/** The demo roster's capacity, and what it rests on. */
export interface DemoCapacity {
  /** Contacts per minute the roster can serve at the demo's channel mix, all desks busy all the time. */
  readonly perMinute: number;
  /** Mean cycle (accept delay + talk + wrap-up pause) per channel, in seconds at the chosen speed. */
  readonly cycleSeconds: Readonly<Record<DemoChannel, number>>;
}

/**
 * How many contacts a minute the simulated desks can serve at `speed`, at the demo traffic's
 * channel mix (`CHANNEL_MIX`): agents × concurrency ÷ cycle time. A call holds a desk alone (the
 * engine never blends phone with other work, `allowBlendWithPhone` false); off the phone a desk
 * holds up to its chat, WeChat and email capacity at once, so the busiest of those three sets the
 * desk time they need. Per contact of the mix that is
 * `share(phone)·cycle(phone) + max over c of share(c)·cycle(c)/capacity(c)` desk-seconds, and the
 * capacity is the roster's desk-seconds per minute over that. Skills, languages and the VIP pool
 * are left out (a desk is counted as able to take anything), so this is an upper bound: demand
 * at `load × perMinute` loads the real, constrained centre at least `load`.
 */
export function demoCapacity(roster: readonly DemoAgent[], speed: number): DemoCapacity {
  const total = CHANNEL_MIX.reduce((sum, [, weight]) => sum + weight, 0);
  const share = Object.fromEntries(CHANNEL_MIX.map(([channel, weight]) => [channel, weight / total])) as Record<DemoChannel, number>;
  const fixed = (mean(ACCEPT_DELAY_MS) + mean(WRAP_UP_MS)) / 1000;
  const cycleSeconds = Object.fromEntries((Object.keys(CHANNEL_OF) as DemoChannel[])
    .map((c) => [c, (fixed + mean(HANDLE_SECONDS[CHANNEL_OF[c]]!)) / speed])) as Record<DemoChannel, number>;
  let contactsPerSecond = 0;
  for (const agent of roster) {
    const slots = (c: DemoChannel) => agent.capacity[c] ?? 0;
    const offPhone = Math.max(...(['chat', 'wechat', 'email'] as const).map((c) => (slots(c) > 0 ? share[c] * cycleSeconds[c] / slots(c) : Infinity)));
    const perContact = (slots('phone') > 0 ? share.phone * cycleSeconds.phone : Infinity) + offPhone;
    contactsPerSecond += 1 / perContact; // what this desk serves of the mix
  }
  return { perMinute: contactsPerSecond * 60, cycleSeconds };
}

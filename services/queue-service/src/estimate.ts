import type { AgentView, Channel } from '@switchboard/routing-core';

/** Contact slots on `channel` of the agents serving `queueId` now (signed in, not away). */
export function servingSlots(agents: readonly AgentView[], queueId: string, channel: Channel): number {
  return agents
    .filter((a) => a.presence !== 'OFFLINE' && a.presence !== 'AWAY' && a.queues.some((q) => q.queueId === queueId))
    .reduce((sum, a) => sum + (a.capacity[channel] ?? 0), 0);
}

/**
 * Expected wait of the contact at `position` (1-based) from a cycle time alone: slots free at
 * `slots / cycleSeconds` per second, so it leaves the queue after `position` of them did. Used
 * while a queue has no measured cycles yet (with the configured default cycle); errs long by up
 * to one cycle / slots. With no slot serving the queue it counts one slot, so the figure stays
 * finite and grows with the position.
 */
export function estimateWaitSeconds(position: number, cycleSeconds: number, slots: number): number {
  if (position <= 0) return 0;
  return (position * cycleSeconds) / Math.max(1, slots);
}

/** A contact holding an agent's slot, as far as the live rates know it. */
export interface HeldContact {
  /** When it was offered (epoch ms). */
  readonly offeredAtMs: number;
  readonly channel: Channel;
}

/**
 * How long each slot serving `queueId` on `channel` has been held, in seconds: one entry per slot
 * of the agents serving the queue now (signed in, not away). A free slot is `null`; a held slot
 * whose offer the live rates have not seen yet (the event is still on its way) counts as just
 * taken (0 s). Contacts on other channels hold other slots and are left out.
 */
export function slotAges(agents: readonly AgentView[], queueId: string, channel: Channel, held: (contactId: string) => HeldContact | undefined, nowMs: number): (number | null)[] {
  const ages: (number | null)[] = [];
  for (const a of agents) {
    if (a.presence === 'OFFLINE' || a.presence === 'AWAY' || !a.queues.some((q) => q.queueId === queueId)) continue;
    const capacity = a.capacity[channel] ?? 0;
    const used = Math.min(capacity, a.used[channel] ?? 0);
    const known = a.contactIds.flatMap((id) => {
      const h = held(id);
      return h?.channel === channel ? [Math.max(0, nowMs - h.offeredAtMs) / 1000] : [];
    }).sort((x, y) => y - x).slice(0, used);
    for (let i = 0; i < capacity; i++) ages.push(i < known.length ? known[i]! : i < used ? 0 : null);
  }
  return ages;
}

/**
 * Expected time left on a slot held for `ageSeconds`, from recent cycle times (offer to wrap-up
 * end): the mean of `cycle - age` over the cycles longer than the age. A slot held longer than
 * every recent cycle is expected to free any moment (0).
 */
export function residualSeconds(cycles: readonly number[], ageSeconds: number): number {
  let sum = 0;
  let n = 0;
  for (const c of cycles) {
    if (c > ageSeconds) {
      sum += c - ageSeconds;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * When the `n`-th slot release happens (seconds from now), each slot releasing first after its
 * residual and then once per mean cycle. Binary search on time (to a millisecond) over the count of
 * releases by then, so it costs O(slots · log) whatever `n` is.
 */
function nthRelease(residuals: readonly number[], cycle: number, n: number): number {
  const count = (t: number) => residuals.reduce((sum, r) => sum + (r <= t ? Math.floor((t - r) / cycle) + 1 : 0), 0);
  if (count(0) >= n) return 0;
  let lo = 0;
  // A loop, not Math.max(...residuals): spreading some 150,000 slots overflows the call stack.
  let hi = residuals.reduce((max, r) => Math.max(max, r), 0) + n * cycle;
  for (let i = 0; i < 60 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (count(mid) >= n) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** What {@link estimateWaitFromSlots} works from. */
export interface WaitInputs {
  /** The contact's 1-based place in its queue. */
  readonly position: number;
  /** Recent cycle times of the queue (seconds an agent slot is held per contact); at least one. */
  readonly cycles: readonly number[];
  /** Per slot serving the queue, how long it has been held (null when free); see {@link slotAges}. */
  readonly slotAges: readonly (number | null)[];
}

/**
 * Expected wait of the contact at `position` from live rates and the slots' state. The contact
 * leaves the queue at the `position`-th slot release: a held slot frees after its expected
 * residual time (from the recent cycles longer than its age, so a slot about to free is not
 * counted as a fresh one), then once per mean cycle; a free slot releases at once. Unlike
 * {@link estimateWaitSeconds} it does not err long by up to a cycle per slot, which matters most
 * for the first places. With no slot serving the queue it counts one slot just taken.
 * @throws RangeError when `cycles` is empty (use {@link estimateWaitSeconds} then).
 */
export function estimateWaitFromSlots(inputs: WaitInputs): number {
  if (inputs.position <= 0) return 0;
  const cycles = inputs.cycles;
  if (cycles.length === 0) throw new RangeError('estimateWaitFromSlots needs at least one cycle time');
  const mean = Math.max(1e-3, cycles.reduce((a, c) => a + c, 0) / cycles.length);
  const ages = inputs.slotAges.length > 0 ? inputs.slotAges : [0];
  const residuals = ages.map((age) => (age === null ? 0 : residualSeconds(cycles, age)));
  return nthRelease(residuals, mean, inputs.position);
}

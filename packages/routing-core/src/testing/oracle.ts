import type { AgentProfile } from '../model/agent.js';
import type { ContactInput } from '../model/contact.js';
import type { QueueConfig } from '../model/queue.js';

/**
 * An independent restatement of the routing rules for property tests. Written from the spec
 * (API.md, design.md), deliberately not importing anything from `rules/` or `core/`, so a bug
 * there cannot hide itself.
 */

/** Ring reached after `waitMs` in queue `q`. */
export function oracleRing(q: QueueConfig, waitMs: number): number {
  return q.rings.filter((r) => r.afterSeconds * 1000 <= waitMs).length;
}

/** Whether the VIP pool no longer restricts a contact that waited `waitMs`. */
export function oraclePoolOpen(q: QueueConfig, waitMs: number): boolean {
  return q.kind !== 'VIP' || q.vipPool === undefined || q.vipPool.overflowToGeneralAfterSeconds * 1000 <= waitMs;
}

/** Static eligibility of `a` for contact `c` in queue `q` at `ring` with the pool open or not. */
export function oracleEligible(a: AgentProfile, q: QueueConfig, c: ContactInput, ring: number, poolOpen: boolean): boolean {
  if (!a.queues.some((s) => s.queueId === q.id)) return false;
  if (c.language !== undefined && !a.languages.includes(c.language)) return false;
  const pool = q.vipPool;
  if (q.kind === 'VIP' && pool !== undefined && !poolOpen && !pool.agentIds.includes(a.id) && !pool.teams.includes(a.team)) return false;
  const need = new Map<string, { min: number; optional: boolean }>();
  for (const r of [...q.requiredSkills, ...(c.requiredSkills ?? [])]) {
    const prev = need.get(r.skill);
    need.set(r.skill, prev === undefined
      ? { min: r.minProficiency, optional: r.optional === true }
      : { min: Math.max(prev.min, r.minProficiency), optional: prev.optional && r.optional === true });
  }
  for (let j = 0; j <= ring; j++) {
    const ringDef = j === 0 ? undefined : q.rings[j - 1];
    const added = ringDef?.addTeams ?? [];
    const teams = q.teams === undefined ? undefined : [...q.teams, ...added];
    if (teams !== undefined && !teams.includes(a.team)) continue;
    // Without queue teams, a team some ring adds is a backup team: held back until such a ring.
    const backup = q.teams === undefined && q.rings.some((r) => (r.addTeams ?? []).includes(a.team));
    if (backup && !added.includes(a.team)) continue;
    let ok = true;
    for (const [skill, { min, optional }] of need) {
      if (ringDef?.dropOptionalSkills === true && optional) continue;
      let m = min;
      if (ringDef !== undefined) {
        m = Math.max(1, m - (ringDef.proficiencyDrop ?? 0));
        if (ringDef.minProficiency !== undefined && ringDef.minProficiency < m) m = ringDef.minProficiency;
      }
      if ((a.skills[skill] ?? 0) < m) ok = false;
    }
    if (ok) return true;
  }
  return false;
}

/** Whether an agent holding `used` may take one more contact on `channel` (capacity and blending). */
export function oracleHasRoom(a: AgentProfile, used: Readonly<Record<string, number>>, channel: string): boolean {
  const cap = (a.capacity as Record<string, number | undefined>)[channel] ?? 0;
  if ((used[channel] ?? 0) >= cap) return false;
  if (a.allowBlendWithPhone === true) return true;
  const others = Object.entries(used).some(([ch, n]) => ch !== 'phone' && n > 0);
  return channel === 'phone' ? !others : (used['phone'] ?? 0) === 0;
}

/** Effective priority at `nowMs`: base + aging × age since first arrival. */
export function oraclePriority(q: QueueConfig, c: ContactInput, nowMs: number): number {
  return c.basePriority + (q.agingRatePerSecond * (nowMs - c.arrivedAtMs)) / 1000;
}

/** The UTC offset of the zones the oracle reads (fixed offsets, no DST). */
const FIXED_OFFSET_MS: Readonly<Record<string, number>> = { 'Asia/Shanghai': 8 * 3_600_000, UTC: 0 };

/** "HH:MM" as minutes after midnight. */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether the queue is open at `atMs` by its config: an emergency closure closes it; no hours =
 * always open; else today's windows (a holiday dated today replaces the weekday's), open from
 * the open minute inclusive to the close minute exclusive. Restated for fixed-offset zones and
 * same-day windows only (what the property tests configure); anything else is refused.
 */
export function oracleOpen(q: QueueConfig, atMs: number): boolean {
  if (q.emergencyClosedReason !== undefined && q.emergencyClosedReason !== '') return false;
  const hours = q.hours;
  if (hours === undefined) return true;
  const offset = FIXED_OFFSET_MS[hours.timeZone];
  if (offset === undefined) throw new Error(`oracle: no fixed offset for ${hours.timeZone}`);
  const local = new Date(atMs + offset);
  const date = local.toISOString().slice(0, 10);
  const isoWeekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const minute = (local.getUTCHours() * 3_600_000 + local.getUTCMinutes() * 60_000 + local.getUTCSeconds() * 1000 + local.getUTCMilliseconds()) / 60_000;
  const holiday = hours.holidays.find((h) => h.date === date);
  const windows = holiday !== undefined ? holiday.windows : (hours.weekly.find((w) => w.isoWeekday === isoWeekday)?.windows ?? []);
  return windows.some((w) => {
    const open = minutesOf(w.open);
    const close = minutesOf(w.close);
    if (close <= open) throw new Error('oracle: overnight windows are not restated');
    return open <= minute && minute < close;
  });
}

/** Channels whose customers wait live (and may be offered a callback in surge). */
export const ORACLE_LIVE_CHANNELS: readonly string[] = ['phone', 'chat', 'wechat'];

/** Surge mode holds this contact back: email, not a callback, base priority below the policy's bar. */
export function oracleDeferred(q: QueueConfig, c: ContactInput, isCallback: boolean): boolean {
  return c.channel === 'email' && !isCallback && c.basePriority < (q.surge?.deferEmailBelowPriority ?? 1);
}

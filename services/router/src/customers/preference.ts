import { customerPolicyOf, type ContactView, type CustomerPolicy, type CustomerPreference } from '@switchboard/routing-core';
import type { RecentContact } from '@switchboard/state';

const HOLDING = new Set(['OFFERED', 'CONNECTED', 'WRAP_UP']);

/**
 * The agent the customer's other contacts point to: one holding a live contact of theirs (the
 * newest such), else the last who served them within the queue's window. The engine decides
 * whether the queue's policy uses it.
 */
export function preferenceOf(
  contactId: string, recent: readonly RecentContact[], live: (id: string) => ContactView | undefined,
  policy: CustomerPolicy | undefined, nowMs: number,
): CustomerPreference | undefined {
  const others = recent.filter((r) => r.id !== contactId).reverse();
  for (const r of others) {
    const view = live(r.id);
    if (view?.agentId !== undefined && HOLDING.has(view.state)) return { agentId: view.agentId, because: 'HOLDS_LIVE_CONTACT', viaContactId: r.id };
  }
  const fromMs = nowMs - customerPolicyOf(policy).lastAgentWindowSeconds * 1000;
  const served = others.find((r) => r.agentId !== undefined && (r.completedAt ?? r.at) >= fromMs);
  return served ? { agentId: served.agentId!, because: 'LAST_SERVED', viaContactId: served.id } : undefined;
}

/** The recent contacts as the desk sees them: the live ones' agent from the engine (newer than the store's). */
export function withLiveAgents(recent: readonly RecentContact[], live: (id: string) => ContactView | undefined): RecentContact[] {
  return recent.map((r) => {
    const view = live(r.id);
    return view?.agentId !== undefined && r.agentId === undefined ? { ...r, agentId: view.agentId } : r;
  });
}

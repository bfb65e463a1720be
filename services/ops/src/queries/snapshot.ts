import { GetSnapshotResponse, OpenOffer, type RoutingEvent } from '@switchboard/contracts';
import type { RouterClient, RouterReply } from '@switchboard/router-api';
import type { AgentView, ContactView } from '@switchboard/routing-core';
import { notFound, unavailable } from '../errors.js';
import { queueModeOf } from '../mapping/queue-mode.mapper.js';
import { agentToProto, queueStats, queueTarget, type RouterQueue } from '../mapping/snapshot.mapper.js';
import type { RecentFigures } from '../ops-queries.js';

/** Reads the live picture from the router that owns the domain (its query API), never from Redis directly. */
export interface SnapshotDeps {
  readonly router: RouterClient;
  /** Recent KPIs per queue (service level, ASA, abandonment for the tiles) and the live rates the forecast takes. */
  readonly recent: () => Promise<RecentFigures>;
  /** A queue's hours and surge changes, newest first, from the index. */
  readonly queueChanges: (queueId: string) => Promise<readonly RoutingEvent[]>;
  /** When the contact's live offer expires, from the index (the engine's view does not say). */
  readonly offerExpiry: (contactId: string) => Promise<Date | undefined>;
  readonly clock?: () => number;
}

/** Waiting contacts read per queue to find the oldest; a queue deeper than this shows the oldest of these. */
const WAITING_SAMPLE = 500;

/** One router query's answer field. @throws OpsError UNAVAILABLE when no router answers, NOT_FOUND for its NOT_FOUND. */
export async function ask<T>(router: RouterClient, query: Record<string, unknown> & { query: string }, key: string): Promise<T> {
  let reply: RouterReply;
  try {
    reply = await router.query(query);
  } catch (error) {
    throw unavailable(`no router answers for domain "${router.domain}" (is the router running?)`, error);
  }
  if (!reply.ok) {
    if (reply.code === 'NOT_FOUND') throw notFound(reply.message);
    throw unavailable(`router: ${reply.code} ${reply.message}`);
  }
  return reply[key] as T;
}

/** No figures (ROUTING could not be read): the tiles show "—", the forecast is unset. */
const NO_FIGURES: RecentFigures = { kpis: new Map(), rate: () => undefined, channel: () => undefined };

/**
 * Queues with depth, oldest wait and recent service level; agents and their states; open offers;
 * each queue's mode (open and why, hours, surge, the forecast beside the measured service level,
 * its last changes).
 */
export async function readSnapshot(deps: SnapshotDeps): Promise<GetSnapshotResponse> {
  const now = (deps.clock ?? Date.now)();
  const [queues, agents, recent] = await Promise.all([
    ask<RouterQueue[]>(deps.router, { query: 'queues' }, 'queues'),
    ask<AgentView[]>(deps.router, { query: 'agents' }, 'agents'),
    deps.recent().catch(() => NO_FIGURES),
  ]);
  const changes = await Promise.all(queues.map((q) => deps.queueChanges(q.queueId).catch(() => [])));
  const waiting = await Promise.all(queues.map((q) => q.waiting > 0
    ? ask<ContactView[]>(deps.router, { query: 'waiting', queueId: q.queueId, limit: WAITING_SAMPLE }, 'contacts')
    : Promise.resolve([])));
  const held = agents.flatMap((a) => a.contactIds.map((contactId) => ({ contactId, agentId: a.id })));
  const offers = (await Promise.all(held.map(async ({ contactId, agentId }) => {
    const contact = await ask<ContactView | null>(deps.router, { query: 'contact', contactId }, 'contact').catch(() => null);
    if (contact?.state !== 'OFFERED') return undefined;
    const expiresAt = await deps.offerExpiry(contactId).catch(() => undefined);
    return OpenOffer.fromPartial({ contactId, agentId, queueId: contact.queueId, ...(expiresAt ? { expiresAt } : {}) });
  }))).filter((o): o is OpenOffer => o !== undefined);
  const modes = queues.map((q, i) => queueModeOf({ queueId: q.queueId, ...(q.config ? { config: q.config } : {}), ...(q.mode ? { mode: q.mode } : {}),
    ...optional('rate', recent.rate(q.queueId)), ...optional('channel', recent.channel(q.queueId)), agents, changes: changes[i] ?? [], nowMs: now }));
  return GetSnapshotResponse.fromPartial({
    queues: queues.map((q, i) => queueStats(q, waiting[i] ?? [], agents, recent.kpis.get(q.queueId), now, modes[i], recent.rate(q.queueId)?.arrivalsPerSecond)),
    agents: agents.map((a) => agentToProto(a, deps.router.domain)).sort((a, b) => a.id.localeCompare(b.id)),
    offers,
    asOf: new Date(now),
    targets: queues.map(queueTarget),
    modes,
  });
}

/** `{ [key]: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

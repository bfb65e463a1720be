import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ConnectRequest, ConnectResponse, WatchTeamRequest, WatchTeamResponse } from '@switchboard/contracts';
import { check, failStream, inTeams, notFound, onCallGone, permissionDenied, requireRole, type Principal } from '@switchboard/grpc-edge';
import type { GatewayDeps } from './deps.js';
import { requireSession, WATCHING } from './session-handlers.js';
import { agentToProto } from './view.mapper.js';

/**
 * Connect: the desktop's stream. Offers still open on the desk are replayed first (a reconnect
 * within the grace period loses none), then everything the hub hears for the agent. While the
 * stream is open it counts as a sign of life; when it goes, the grace period starts.
 */
export async function connect(deps: GatewayDeps, request: ConnectRequest, principal: Principal, call: ServerWritableStream<ConnectRequest, ConnectResponse>): Promise<void> {
  await requireSession(deps, principal, request.sessionId);
  const agentId = principal.subject;
  // An offer can reach a connecting desk twice (live from the hub and replayed from the session
  // store); the desk sees each reservation once.
  const offered = new Set<number>();
  const send = (message: ConnectResponse) => {
    if (call.cancelled || call.writableEnded) return;
    if (message.offer) {
      if (offered.has(message.offer.reservationToken)) return;
      offered.add(message.offer.reservationToken);
      if (offered.size > 256) offered.delete(offered.values().next().value!);
    }
    call.write(message);
  };
  const unlisten = deps.hub.listen(agentId, { send });
  const refresh = () => deps.sessions.touch(agentId, request.sessionId, deps.now());
  const sessionGone = () => notFound(`session "${request.sessionId}" of agent ${agentId} is no longer live (signed out, signed in elsewhere or lost); sign in again`);
  let closed = false;
  const close = () => {
    if (closed) return false;
    closed = true;
    clearInterval(keepAlive);
    unlisten();
    return true;
  };
  // A stream whose session ended (SignOut, a newer sign-in, the reaper) must not keep receiving
  // the agent's offers: it ends with NOT_FOUND, as every other call on a dead session does.
  const keepAlive = setInterval(() => {
    refresh().then((live) => {
      if (live || !close()) return;
      deps.logger.info({ agentId }, 'desktop stream ended: its session is gone');
      failStream(call, sessionGone(), deps.logger);
    }, (error: unknown) => deps.logger.warn({ err: error, agentId }, 'session not refreshed'));
  }, Math.max(200, (deps.graceSeconds * 1000) / 3));
  // Also when the desktop left during set-up: its listener and keep-alive must not outlive it.
  onCallGone(call, () => {
    if (!close()) return;
    // The grace period counts from the moment the stream went.
    refresh().catch((error: unknown) => deps.logger.warn({ err: error, agentId }, 'session not refreshed'));
    deps.logger.info({ agentId }, 'desktop stream closed');
  });
  const live = await refresh().catch((error: unknown) => {
    close();
    throw error;
  });
  if (!live) {
    close();
    throw sessionGone();
  }
  for (const offer of await deps.sessions.offers(agentId)) {
    const view = offer.contact ? await deps.router.contact(offer.contact.id) : undefined;
    if (view?.state === 'OFFERED' && view.agentId === agentId && view.offerToken === offer.reservationToken) send({ offer });
    else if (offer.contact) await deps.sessions.dropOffer(agentId, offer.contact.id);
  }
  deps.logger.info({ agentId }, 'desktop stream open');
}

/** WatchTeam (a supervisor of the team, or ops): each team member's state now, then again whenever it changes. */
export async function watchTeam(deps: GatewayDeps, request: WatchTeamRequest, principal: Principal, call: ServerWritableStream<WatchTeamRequest, WatchTeamResponse>): Promise<void> {
  requireRole(principal, WATCHING, 'WatchTeam');
  check(request.team !== '', 'team', 'required', 'required');
  if (principal.role === 'supervisor' && !inTeams(principal, request.team)) {
    throw permissionDenied(`WatchTeam: team "${request.team}" is outside the teams you supervise (${principal.teams.join(', ')})`);
  }
  const members = deps.directory.team(request.team);
  const push = async (agentId: string) => {
    const view = await deps.router.agent(agentId);
    const entry = deps.directory.get(agentId);
    if (call.cancelled || call.writableEnded || !entry) return;
    const agent = view
      ? agentToProto(view, deps.domain, entry.displayName)
      : agentToProto({ ...entry, presence: 'OFFLINE', idleSinceMs: 0, used: { phone: 0, email: 0, chat: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [] }, deps.domain, entry.displayName);
    call.write({ agent });
  };
  const pushSafely = (agentId: string) => void push(agentId).catch((error: unknown) => deps.logger.warn({ err: error, agentId }, 'team update not sent'));
  const unlisten = members.map((m) => deps.hub.listen(m.id, { send: () => undefined, event: () => pushSafely(m.id) }));
  onCallGone(call, () => { for (const u of unlisten) u(); });
  for (const m of members) await push(m.id);
}

import { requireTeam, type Principal } from '@switchboard/grpc-edge';
import type { AgentView, ContactView } from '@switchboard/routing-core';
import type { GatewayDeps } from './deps.js';

/**
 * The team an agent is in now: the router's live profile while signed in, else the profile a
 * supervisor gave them (UpdateAgent) or the directory's. Undefined for an agent nobody knows.
 */
export async function teamOf(deps: GatewayDeps, agentId: string, live?: AgentView): Promise<string | undefined> {
  const view = live ?? (await deps.router.agent(agentId));
  if (view && view.presence !== 'OFFLINE') return view.team;
  return (await deps.profiles.get(agentId))?.team ?? deps.directory.get(agentId)?.team;
}

/**
 * @throws RpcError PERMISSION_DENIED unless a supervisor's teams include the agent's team. Agents
 * nobody knows pass: the call answers NOT_FOUND for them itself.
 */
export async function requireAgentInScope(deps: GatewayDeps, principal: Principal, agentId: string, what: string, live?: AgentView): Promise<void> {
  const team = await teamOf(deps, agentId, live);
  if (team !== undefined) requireTeam(principal, team, what, `agent "${agentId}"`);
}

/**
 * A contact concerns the agent it is offered to, connected with or wrapping up with: that agent
 * must be in the supervisor's scope. A waiting contact concerns no agent and any supervisor of
 * the domain may act on it; so may the supervisor whose own desk holds it.
 * @throws RpcError PERMISSION_DENIED
 */
export async function requireContactInScope(deps: GatewayDeps, principal: Principal, view: ContactView, what: string): Promise<void> {
  if (view.agentId === undefined || view.agentId === principal.subject) return;
  await requireAgentInScope(deps, principal, view.agentId, what);
}

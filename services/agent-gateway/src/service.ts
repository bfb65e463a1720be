import type { AgentServiceServer } from '@switchboard/contracts';
import { serverStream, unary } from '@switchboard/grpc-edge';
import { accept, complete, decline, forceAssign, transfer } from './contact-handlers.js';
import type { GatewayDeps } from './deps.js';
import { heartbeat, setPresence, signIn, signOut } from './session-handlers.js';
import { connect, watchTeam } from './streams.js';
import { endContact, requeueContact, setAgentPresence, signAgentOut, updateAgent } from './supervisor-handlers.js';

/** The AgentService implementation: every call authenticated, traced and mapped to a status once. */
export function agentService(deps: GatewayDeps): AgentServiceServer {
  const e = deps.edge;
  return {
    signIn: unary(e, 'SignIn', (req, p) => signIn(deps, req, p)),
    signOut: unary(e, 'SignOut', (req, p) => signOut(deps, req, p)),
    setPresence: unary(e, 'SetPresence', (req, p) => setPresence(deps, req, p)),
    heartbeat: unary(e, 'Heartbeat', (req, p) => heartbeat(deps, req, p)),
    accept: unary(e, 'Accept', (req, p) => accept(deps, req, p)),
    decline: unary(e, 'Decline', (req, p) => decline(deps, req, p)),
    complete: unary(e, 'Complete', (req, p) => complete(deps, req, p)),
    transfer: unary(e, 'Transfer', (req, p) => transfer(deps, req, p)),
    forceAssign: unary(e, 'ForceAssign', (req, p) => forceAssign(deps, req, p)),
    connect: serverStream(e, 'Connect', (req, p, call) => connect(deps, req, p, call)),
    watchTeam: serverStream(e, 'WatchTeam', (req, p, call) => watchTeam(deps, req, p, call)),
    endContact: unary(e, 'EndContact', (req, p) => endContact(deps, req, p)),
    requeueContact: unary(e, 'RequeueContact', (req, p) => requeueContact(deps, req, p)),
    setAgentPresence: unary(e, 'SetAgentPresence', (req, p) => setAgentPresence(deps, req, p)),
    signAgentOut: unary(e, 'SignAgentOut', (req, p) => signAgentOut(deps, req, p)),
    updateAgent: unary(e, 'UpdateAgent', (req, p) => updateAgent(deps, req, p)),
  };
}

import { status } from '@grpc/grpc-js';
import { RpcError } from '@switchboard/grpc-edge';
import type { GatewayDeps } from './deps.js';
import type { RouterLink } from './router-link.js';
import type { SessionStore } from './session-store.js';

/** What the reaper needs: the session store, the router's command path, a clock and a logger. */
export interface ReaperDeps extends Pick<GatewayDeps, 'logger' | 'graceSeconds' | 'now'> {
  readonly sessions: Pick<SessionStore, 'claimLost' | 'get' | 'touch' | 'close' | 'postpone'>;
  readonly router: Pick<RouterLink, 'command'>;
}

/** Longest wait before a failed sign-out is tried again. */
const MAX_RETRY_MS = 5_000;

/**
 * Signs out desktops that went silent: no open stream refreshing the session and no heartbeat
 * for the grace period. Every replica runs one; each lost agent is claimed by one replica. The
 * router's SIGN_OUT returns the agent's open offers to their queues at their original places.
 *
 * A SIGN_OUT the router does not take (no router answering, an internal error) keeps the session
 * and puts its deadline back a little later, so this or another replica tries again; dropping it
 * would leave the agent signed in at the router with no desktop, holding its offers. Only
 * NOT_FOUND (the router no longer knows the agent: already signed out) counts as done.
 */
export function startReaper(deps: ReaperDeps): { stop(): void } {
  const graceMs = deps.graceSeconds * 1000;
  const retryMs = Math.min(MAX_RETRY_MS, Math.max(100, graceMs));
  let running = false;
  const signOut = async (agentId: string): Promise<boolean> => {
    try {
      await deps.router.command({ type: 'SIGN_OUT', agentId });
      return true;
    } catch (error) {
      if (error instanceof RpcError && error.code === status.NOT_FOUND) return true;
      deps.logger.warn({ err: error, agentId, retryInMs: retryMs }, 'sign-out of a lost desktop failed; will retry');
      return false;
    }
  };
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      for (const agentId of await deps.sessions.claimLost(deps.now())) {
        const session = await deps.sessions.get(agentId);
        if (!session) continue;
        // Touched between the scan and the claim: alive after all; put its deadline back.
        if (session.lastSeenMs + graceMs > deps.now()) {
          await deps.sessions.touch(agentId, session.sessionId, session.lastSeenMs);
          continue;
        }
        if (!(await signOut(agentId))) {
          await deps.sessions.postpone(agentId, deps.now() + retryMs);
          continue;
        }
        await deps.sessions.close(agentId);
        deps.logger.info({ agentId }, 'desktop lost: signed out after the grace period');
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'lost-desktop sweep failed; will retry');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(1_000, Math.max(50, graceMs / 5)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

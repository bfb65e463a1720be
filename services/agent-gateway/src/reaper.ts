import type { GatewayDeps } from './deps.js';

/**
 * Signs out desktops that went silent: no open stream refreshing the session and no heartbeat
 * for the grace period. Every replica runs one; each lost agent is claimed by one replica. The
 * router's SIGN_OUT returns the agent's open offers to their queues at their original places.
 */
export function startReaper(deps: GatewayDeps): { stop(): void } {
  const graceMs = deps.graceSeconds * 1000;
  let running = false;
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
        await deps.router.command({ type: 'SIGN_OUT', agentId }).catch((error: unknown) => {
          deps.logger.warn({ err: error, agentId }, 'sign-out of a lost desktop refused');
        });
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

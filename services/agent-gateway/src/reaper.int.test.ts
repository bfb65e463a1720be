import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unavailable, notFound } from '@switchboard/grpc-edge';
import { createLogger } from '@switchboard/telemetry';
import { connectTestRedis, createTestScope, type TestRedis } from '@switchboard/testkit';
import type { RoutingCommand } from '@switchboard/routing-core';
import { startReaper } from './reaper.js';
import { SessionStore } from './session-store.js';

/** A router whose SIGN_OUT answers `answer()` at the time of the call. */
function scriptedRouter(answer: () => 'ok' | 'unavailable' | 'not-found') {
  const signOuts: string[] = [];
  return {
    signOuts,
    command: (command: RoutingCommand): Promise<{ outcome?: { kind: string } }> => {
      if (command.type !== 'SIGN_OUT') return Promise.resolve({});
      signOuts.push(command.agentId);
      const now = answer();
      if (now === 'unavailable') return Promise.reject(unavailable('the router is not answering now; retry'));
      if (now === 'not-found') return Promise.reject(notFound('unknown agent'));
      return Promise.resolve({});
    },
  };
}

describe('the lost-desktop reaper', () => {
  let redis: TestRedis;
  let sessions: SessionStore;
  let stop: (() => void) | undefined;
  const graceSeconds = 0.2;
  const logger = createLogger({ service: 'reaper-test', level: 'silent' });

  beforeEach(async () => {
    const scope = createTestScope('reaper');
    redis = await connectTestRedis(scope);
    sessions = new SessionStore(redis.redis, scope.redisPrefix, scope.domain, graceSeconds * 1000);
  });
  afterEach(async () => {
    stop?.();
    await redis.cleanup();
  });

  it('keeps the session when SIGN_OUT fails and signs the agent out on a later sweep', async () => {
    let routerUp = false;
    const router = scriptedRouter(() => (routerUp ? 'ok' : 'unavailable'));
    const { session } = await sessions.open('a1', '', Date.now());
    stop = startReaper({ sessions, router, logger, graceSeconds, now: Date.now }).stop;

    // Failed sign-outs are tried again, and meanwhile the session (and its offers) stays.
    await expect.poll(() => router.signOuts.length).toBeGreaterThanOrEqual(2);
    expect(await sessions.get('a1')).toMatchObject({ sessionId: session.sessionId });
    routerUp = true;
    await expect.poll(() => sessions.get('a1')).toBeUndefined();
    expect(new Set(router.signOuts)).toEqual(new Set(['a1']));
  });

  it('counts NOT_FOUND from the router (already signed out) as done', async () => {
    const router = scriptedRouter(() => 'not-found');
    await sessions.open('a2', '', Date.now());
    stop = startReaper({ sessions, router, logger, graceSeconds, now: Date.now }).stop;

    await expect.poll(() => sessions.get('a2')).toBeUndefined();
    expect(router.signOuts).toEqual(['a2']);
  });

  it('never reaps a desktop that keeps its session alive, and reaps it once it goes silent', async () => {
    // The reaper's clock and the heartbeats' are one test clock: each heartbeat comes 150 ms after
    // the last (within the 200 ms grace) however slowly a loaded machine runs this loop.
    let clock = Date.now();
    const router = scriptedRouter(() => 'ok');
    const { session } = await sessions.open('a3', '', clock);
    stop = startReaper({ sessions, router, logger, graceSeconds, now: () => clock }).stop;
    for (let i = 0; i < 10; i++) {
      clock += 150;
      expect(await sessions.touch('a3', session.sessionId, clock)).toBe(true);
      await new Promise((r) => setTimeout(r, 50)); // let sweeps run meanwhile
    }
    expect(router.signOuts).toEqual([]);
    // Silent past the grace period: the same reaper signs it out, so it was sweeping all along.
    clock += graceSeconds * 1000 + 1;
    await expect.poll(() => sessions.get('a3')).toBeUndefined();
    expect(router.signOuts).toEqual(['a3']);
  });
});

import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ConnectRequest, ConnectResponse, WatchTeamRequest, WatchTeamResponse } from '@switchboard/contracts';
import { createLogger } from '@switchboard/telemetry';
import type { GatewayDeps } from './deps.js';
import { DeskHub } from './desk-hub.js';
import { AgentDirectory } from './directory.js';
import { connect, watchTeam } from './streams.js';

type Call<Req, Res> = ServerWritableStream<Req, Res> & EventEmitter & { cancelled: boolean };

function fakeCall<Req, Res>(request: Req): Call<Req, Res> {
  return Object.assign(new EventEmitter(), {
    request, cancelled: false, destroyed: false, writableEnded: false, writableFinished: false, write: vi.fn(),
  }) as unknown as Call<Req, Res>;
}

/** The client goes away: grpc-js sets `cancelled` and emits `cancelled` once. */
function cancel(call: Call<unknown, unknown>): void {
  call.cancelled = true;
  call.emit('cancelled');
}

const profile = (id: string) => ({ id, team: 't1', displayName: id, skills: {}, languages: [], capacity: { phone: 1, chat: 3, email: 5, wechat: 3 }, queues: [] });

/** Handlers' deps with a real hub and in-memory sessions; `duringSessionRead` runs inside each session read. */
function gatewayDeps(duringSessionRead: () => void = () => undefined) {
  let touches = 0;
  const logger = createLogger({ service: 'streams-test', level: 'silent' });
  const sessions = {
    get: async (agentId: string) => { duringSessionRead(); return { agentId, sessionId: `s-${agentId}`, lastSeenMs: Date.now() }; },
    touch: async () => { touches++; return true; },
    offers: async () => [],
    dropOffer: async () => undefined,
  };
  const router = { contact: async () => undefined, agent: async () => undefined };
  const hub = new DeskHub({ nc: undefined as never, names: undefined as never, domain: 'd', router: router as never, sessions: sessions as never, logger });
  const directory = new AgentDirectory(Array.from({ length: 5 }, (_, i) => profile(`a${i}`)) as never);
  const deps = { logger, domain: 'd', hub, sessions, router, directory, graceSeconds: 0.3, heartbeatSeconds: 1, now: Date.now } as unknown as GatewayDeps;
  return { deps, hub, touches: () => touches };
}

describe('desk and team streams leave nothing behind when the client goes', () => {
  afterEach(() => vi.useRealTimers());

  it('drops the listener and the keep-alive of every desktop stream that closed, also during set-up', async () => {
    vi.useFakeTimers();
    const calls: Call<ConnectRequest, ConnectResponse>[] = [];
    let leaving: Call<ConnectRequest, ConnectResponse> | undefined;
    const { deps, hub, touches } = gatewayDeps(() => { if (leaving) cancel(leaving as Call<unknown, unknown>); });
    for (let i = 0; i < 50; i++) {
      const agentId = `a${i % 5}`;
      const call = fakeCall<ConnectRequest, ConnectResponse>({ sessionId: `s-${agentId}` } as ConnectRequest);
      // Every other desktop leaves while its session is being checked, before the stream is wired.
      leaving = i % 2 === 0 ? call : undefined;
      await connect(deps, { sessionId: `s-${agentId}` } as ConnectRequest, { subject: agentId, role: 'agent', domain: 'd', teams: [] }, call);
      calls.push(call);
    }
    for (const call of calls) if (!call.cancelled) cancel(call as Call<unknown, unknown>);
    expect(hub.sizes().listenedAgents).toBe(0);
    const before = touches();
    await vi.advanceTimersByTimeAsync(5_000); // no keep-alive refreshes the sessions of gone desktops
    expect(touches()).toBe(before);
  });

  it('drops the team listeners of a watcher that left before its stream was wired, or afterwards', async () => {
    const { deps, hub } = gatewayDeps();
    const early = fakeCall<WatchTeamRequest, WatchTeamResponse>({ team: 't1' } as WatchTeamRequest);
    cancel(early as Call<unknown, unknown>); // gone while its token was being verified
    await watchTeam(deps, { team: 't1' } as WatchTeamRequest, { subject: 'sup', role: 'supervisor', domain: 'd', teams: ['t1'] }, early);
    expect(hub.sizes().listenedAgents).toBe(0);
    const late = fakeCall<WatchTeamRequest, WatchTeamResponse>({ team: 't1' } as WatchTeamRequest);
    await watchTeam(deps, { team: 't1' } as WatchTeamRequest, { subject: 'sup', role: 'supervisor', domain: 'd', teams: ['t1'] }, late);
    expect(hub.sizes().listenedAgents).toBe(5);
    cancel(late as Call<unknown, unknown>);
    expect(hub.sizes().listenedAgents).toBe(0);
  });
});

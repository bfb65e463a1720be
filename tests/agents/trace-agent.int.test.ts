import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AcceptRequest, Channel, EnqueueRequest, SignAgentOutRequest, SignInRequest, UpdateAgentRequest } from '@switchboard/contracts';
import { startOps, type RunningOps } from '@switchboard/ops';
import type { RouterClient } from '@switchboard/router-api';
import { agent, agentRules } from './support/fixtures.js';
import { call, Mesh, SECRET, TOKENS, until } from './support/mesh.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Issue 13, must-show 4: agent-level supervisor actions (presence, sign-out, profile) in
 * `switchboard trace` with who did it — `trace <agentId>` without `--agent`, and on the timeline
 * of a contact the action moved ("agent s1 offline (signed out) [by night-lead]" before its
 * return to the queue). CLI processes against a real router, gateway, queue service and ops.
 */
describe('switchboard trace: agent-level supervisor actions', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let router: RouterClient;
  const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // node with tsx directly (as `pnpm switchboard` runs it, without pnpm's start-up each time).
    execFile(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, SWITCHBOARD_JWT_SECRET: SECRET, SWITCHBOARD_DOMAIN: mesh.domain }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
  const opsUrl = () => `http://127.0.0.1:${ops.httpPort}`;

  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('s1')], graceSeconds: 30 });
    router = mesh.routerClient();
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TOKENS, sessionTtlSeconds: 600 } },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
  });
  afterAll(async () => {
    await ops?.stop();
    await mesh?.close();
  });

  it('shows a profile change and a sign-out by the agent id alone, and the sign-out on the timeline of the chat it sent back', async () => {
    const desk = await mesh.auth('s1');
    await call(mesh.agentClient.signIn.bind(mesh.agentClient), SignInRequest.fromPartial({}), desk);
    await call(mesh.queueClient.enqueue.bind(mesh.queueClient), EnqueueRequest.fromPartial({
      contact: { id: 'ta-chat', channel: Channel.CHANNEL_CHAT, domain: mesh.domain, intent: 'billing', conversationId: 'conv-ta', customer: { id: 'cust-ta' } },
    }), await mesh.auth('pbx', 'platform'));
    const offer = await until('ta-chat offered to s1', async () => {
      const r = await router.query({ query: 'contact', contactId: 'ta-chat' });
      const c = (r.ok ? r['contact'] : undefined) as { state: string; agentId?: string; offerToken?: number } | undefined;
      return c?.state === 'OFFERED' && c.agentId === 's1' ? c.offerToken : undefined;
    });
    await call(mesh.agentClient.accept.bind(mesh.agentClient), AcceptRequest.fromPartial({ contactId: 'ta-chat', reservationToken: offer }), desk);

    // The supervisor's actions over AgentService (the CLI's `supervise` is tested in supervisor.int.test.ts).
    const lead = await mesh.auth('night-lead', 'supervisor');
    await call(mesh.agentClient.updateAgent.bind(mesh.agentClient), UpdateAgentRequest.fromPartial({ agentId: 's1', updateMask: ['languages'], languages: ['en', 'zh'] }), lead);
    await call(mesh.agentClient.signAgentOut.bind(mesh.agentClient), SignAgentOutRequest.fromPartial({ agentId: 's1', reason: 'end of shift' }), lead);

    // The agent id alone: no --agent needed.
    const byAgent = await until('s1\'s actions by `trace s1`', async () => {
      const shown = await cli(['trace', 's1', '--ops-url', opsUrl()]);
      return shown.code === 0 && /presenceChanged .*offline \(signed out\).*\[by night-lead\]/.test(shown.stdout) ? shown.stdout : undefined;
    }, 30_000);
    expect(byAgent).toMatch(/^agent s1: what supervisors did/);
    expect(byAgent).toMatch(/profileChanged +s1: languages +\[by night-lead\]/);

    // The chat's own timeline: the sign-out that sent it back, by whom, then its return to the queue.
    const timeline = await until('the sign-out on ta-chat\'s timeline', async () => {
      const shown = await cli(['trace', 'ta-chat', '--ops-url', opsUrl()]);
      return shown.code === 0 && /presenceChanged +agent s1 offline \(signed out\) +\[by night-lead\]/.test(shown.stdout) ? shown.stdout : undefined;
    }, 30_000);
    if (process.env.TEST_SHOW_OUTPUT) process.stdout.write(`${byAgent}\n${timeline}\n`);
    const lines = timeline.split('\n');
    const signedOut = lines.findIndex((l) => /presenceChanged +agent s1 offline/.test(l));
    const sentBack = lines.findIndex((l) => /transferred .*AGENT_SIGNED_OUT/.test(l));
    expect(sentBack, timeline).toBeGreaterThan(-1);
    expect(signedOut).toBeLessThan(sentBack);
    // The profile change moved no contact: it is on the agent's record, not on the chat's.
    expect(timeline).not.toMatch(/profileChanged/);

    // Neither a contact nor an agent anyone acted on: a clear 404, exit code 1.
    const unknown = await cli(['trace', 'nobody-here', '--ops-url', opsUrl()]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no contact "nobody-here".*no supervisor action concerning an agent "nobody-here"/);
  }, 120_000);
});

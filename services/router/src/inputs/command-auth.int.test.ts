import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders } from 'nats';
import { testCommandKeyEnv } from '@switchboard/testkit';
import { COMMAND_HEADERS, CommandSigner, RouterClient, routerSubjects, type RouterReply } from '@switchboard/router-api';
import { RouterHarness, testRules } from '../testing/router-harness.js';

/**
 * The router takes a command only from a sender it can verify (an HMAC with the sender's key over
 * subject, sender, time and body) and only of a kind that sender may send. Refused commands get
 * PERMISSION_DENIED with the reason and change nothing.
 */
describe('router command intake: signed senders and their allowed kinds', () => {
  let h: RouterHarness;
  /** The router's log lines, as JSON. */
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } }));
  const agent = { id: 'a1', skills: {}, languages: [], team: 'general', capacity: { phone: 1 }, queues: [{ queueId: 'general', priority: 1 }] };
  const signer = (sender: 'agent-gateway' | 'queue-service' | 'operator') => CommandSigner.fromEnv(sender, testCommandKeyEnv());
  const client = (s?: CommandSigner) => new RouterClient(h.nats.nc, h.domain, h.names.subjectRoot, 5_000, s);
  const signedIn = async () => (await h.client.query({ query: 'agent', agentId: 'a1' })).ok;
  /** Sends `body` on the command subject with `headers` exactly as given. */
  const raw = async (body: unknown, headers: Record<string, string>): Promise<RouterReply> => {
    const h2 = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h2.set(k, v);
    const reply = await h.nats.nc.request(routerSubjects(h.names.subjectRoot, h.domain).command, new TextEncoder().encode(JSON.stringify(body)), { headers: h2, timeout: 5_000 });
    return JSON.parse(new TextDecoder().decode(reply.data)) as RouterReply;
  };

  beforeAll(async () => {
    h = await RouterHarness.create(testRules(), 'command-auth');
    await h.startRouter({ logger });
  });
  afterAll(async () => { await h?.close(); });

  it('refuses an unsigned command with a reason, and nothing changes', async () => {
    const reply = await client().command({ type: 'SIGN_IN', agent });
    expect(reply).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'command refused: the command is not signed (no Sb-Command-Sender header)' });
    expect(await signedIn()).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'command refused', level: 40, sender: '', reason: 'the command is not signed (no Sb-Command-Sender header)' }));
  });

  it('refuses a forged signature, a body changed after signing, an unknown sender and a stale signing time', async () => {
    const subject = routerSubjects(h.names.subjectRoot, h.domain).command;
    const body = { command: { type: 'SIGN_IN', agent } };
    const data = new TextEncoder().encode(JSON.stringify(body));
    const forged = new CommandSigner('agent-gateway', 'x'.repeat(43)).sign(subject, data);
    expect(await raw(body, forged)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: 'command refused: the signature does not match the command' });
    const genuine = signer('agent-gateway').sign(subject, new TextEncoder().encode(JSON.stringify({ command: { type: 'SIGN_OUT', agentId: 'a1' } })));
    expect(await raw(body, genuine)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: 'command refused: the signature does not match the command' });
    expect(await raw(body, { ...signer('agent-gateway').sign(subject, data), [COMMAND_HEADERS.sender]: 'desk' })).toMatchObject({ ok: false, message: 'command refused: unknown command sender "desk"' });
    const stale = signer('agent-gateway').sign(subject, data, Date.now() - 10 * 60_000);
    expect(await raw(body, stale)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: expect.stringMatching(/signing time .* is not within 5 minutes/) });
    // Signed for another domain's subject: not valid here.
    const elsewhere = signer('agent-gateway').sign(routerSubjects(h.names.subjectRoot, 'other').command, data);
    expect(await raw(body, elsewhere)).toMatchObject({ ok: false, message: 'command refused: the signature does not match the command' });
    expect(await signedIn()).toBe(false);
  });

  it('refuses a kind its sender may not send: the queue service signing an agent in, the gateway configuring a queue', async () => {
    expect(await client(signer('queue-service')).command({ type: 'SIGN_IN', agent })).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'command refused: queue-service may not send SIGN_IN' });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'command refused', sender: 'queue-service', kind: 'SIGN_IN' }));
    expect(await signedIn()).toBe(false);
    const queue = (testRules() as { queues: Record<string, unknown>[] }).queues[0]!;
    expect(await client(signer('agent-gateway')).command({ type: 'UPSERT_QUEUE', queue } as never)).toMatchObject({ ok: false, message: 'command refused: agent-gateway may not send UPSERT_QUEUE' });
    expect(await client(signer('agent-gateway')).command({ type: 'REPRIORITIZE', contactId: 'c1', basePriority: 5 })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
  });

  it('takes each sender\'s own kinds', async () => {
    expect(await client(signer('agent-gateway')).command({ type: 'SIGN_IN', agent })).toMatchObject({ ok: true });
    expect(await signedIn()).toBe(true);
    const queue = (testRules() as { queues: Record<string, unknown>[] }).queues[0]!;
    expect(await client(signer('queue-service')).command({ type: 'UPSERT_QUEUE', queue } as never)).toMatchObject({ ok: true });
  });
});

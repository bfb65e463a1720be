import { describe, expect, it } from 'vitest';
import { headers } from 'nats';
import { COMMAND_SENDERS, CommandSigner, CommandVerifier } from './command-auth.js';

const key = 'k'.repeat(43);
const asHeaders = (h: Record<string, string>) => { const x = headers(); for (const [k, v] of Object.entries(h)) x.set(k, v); return x; };

describe('command signing', () => {
  it('verifies what the sender signed, and only that', () => {
    const verifier = new CommandVerifier({ 'agent-gateway': key });
    const body = new TextEncoder().encode('{"command":{"type":"SIGN_OUT","agentId":"a1"}}');
    const signed = asHeaders(new CommandSigner('agent-gateway', key).sign('sb.router.d.cmd', body, 1_000_000));
    expect(verifier.verify('sb.router.d.cmd', body, signed, 1_000_000)).toEqual({ ok: true, sender: 'agent-gateway' });
    expect(verifier.verify('sb.router.d.cmd', new TextEncoder().encode('{}'), signed, 1_000_000)).toMatchObject({ ok: false });
    expect(verifier.verify('sb.router.e.cmd', body, signed, 1_000_000)).toMatchObject({ ok: false });
    expect(verifier.verify('sb.router.d.cmd', body, undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/not signed/) });
  });

  it('keys come from the environment or their files; none, or a short one, stops the start with the variable named', () => {
    expect(() => CommandVerifier.fromEnv({})).toThrow(/no command key is set \(ROUTER_COMMAND_KEY_AGENT_GATEWAY, ROUTER_COMMAND_KEY_QUEUE_SERVICE, ROUTER_COMMAND_KEY_OPERATOR\)/);
    expect(() => CommandVerifier.fromEnv({ ROUTER_COMMAND_KEY_QUEUE_SERVICE: 'short' })).toThrow(/ROUTER_COMMAND_KEY_QUEUE_SERVICE must be at least 32 characters/);
    expect(() => CommandSigner.fromEnv('agent-gateway', {})).toThrow(/ROUTER_COMMAND_KEY_AGENT_GATEWAY \(or ROUTER_COMMAND_KEY_AGENT_GATEWAY_FILE\) is not set/);
    expect(CommandVerifier.fromEnv({ ROUTER_COMMAND_KEY_QUEUE_SERVICE: key }).senders).toEqual(['queue-service']);
  });

  it('allows each sender its kinds only', () => {
    expect(CommandVerifier.allows('queue-service', 'UPSERT_QUEUE')).toBe(true);
    expect(CommandVerifier.allows('queue-service', 'ACCEPT')).toBe(false);
    expect(CommandVerifier.allows('agent-gateway', 'UPSERT_QUEUE')).toBe(false);
    expect(CommandVerifier.allows('agent-gateway', 'REPRIORITIZE')).toBe(false);
    expect(COMMAND_SENDERS['agent-gateway']).toContain('ACCEPT');
  });
});

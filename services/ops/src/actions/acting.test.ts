import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Channel } from '@switchboard/contracts';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, TokenVerifier } from '@switchboard/grpc-edge';
import type { OpsReader } from '../auth/principal.js';
import { ActingAs, edgeRefusal, requireActing, type UnaryMethod } from './acting.js';
import { profileBody, profileRequest } from './supervisor-actions.js';

const SECRET = 'acting-test-secret-0123456789';
const lead: OpsReader = { subject: 'lead-ada', role: 'supervisor', domain: 'd1', teams: ['north'], via: 'oidc' };
const refusal = (code: number, details: string): ServiceError => Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('console actions: acting for the person logged in', () => {
  it('refuses the read-only role and a login without teams, naming why', () => {
    expect(() => requireActing({ ...lead, role: 'ops' })).toThrow(/role supervisor; you are logged in as "ops" \(read-only\)/);
    expect(() => requireActing({ ...lead, teams: [] })).toThrow(/names no teams/);
    expect(() => requireActing(lead)).not.toThrow();
  });

  it('calls the edge with a short-lived token the edges verify as that supervisor, teams and all', async () => {
    let sent = '';
    const method: UnaryMethod<{ contactId: string }, { ok: boolean }> = (_request, metadata, _options, callback) => {
      sent = String(metadata.get('authorization')[0]);
      callback(null, { ok: true });
    };
    expect(await new ActingAs(SECRET).call(lead, {}, method, { contactId: 'c1' }, 'agent gateway')).toEqual({ ok: true });
    const verifier = new TokenVerifier({ secret: SECRET, issuer: DEFAULT_ISSUER, jwksIssuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE, domain: 'd1' });
    expect(await verifier.authenticateAuthorization(sent)).toEqual({ subject: 'lead-ada', role: 'supervisor', domain: 'd1', teams: ['north'] });
    // 60 s, not the 8 h default.
    const exp = JSON.parse(Buffer.from(sent.split('.')[1]!, 'base64url').toString()).exp as number;
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(61);
  });

  it('answers 503 with the reason when ops holds no secret to sign with', async () => {
    await expect(new ActingAs(undefined).call(lead, {}, () => undefined, {}, 'agent gateway')).rejects.toMatchObject({ code: 'OPS.UNAVAILABLE', message: expect.stringContaining('SWITCHBOARD_JWT_SECRET') });
  });

  it('keeps the edge\'s reason and maps its status', () => {
    expect(edgeRefusal(refusal(status.FAILED_PRECONDITION, 'contact "c1" is WRAP_UP: nothing is left to end'), 'agent gateway'))
      .toMatchObject({ code: 'OPS.FAILED_PRECONDITION', message: 'contact "c1" is WRAP_UP: nothing is left to end' });
    expect(edgeRefusal(refusal(status.NOT_FOUND, 'no live contact "c9"'), 'agent gateway')).toMatchObject({ code: 'OPS.NOT_FOUND' });
    expect(edgeRefusal(refusal(status.PERMISSION_DENIED, 'outside the teams you supervise'), 'agent gateway')).toMatchObject({ code: 'OPS.PERMISSION_DENIED' });
    expect(edgeRefusal(refusal(status.INVALID_ARGUMENT, 'skills.billing: at most 5'), 'agent gateway')).toMatchObject({ code: 'OPS.INVALID_ARGUMENT' });
    expect(edgeRefusal(refusal(status.UNAUTHENTICATED, 'token does not verify'), 'queue service'))
      .toMatchObject({ code: 'OPS.BAD_GATEWAY', message: expect.stringContaining('share SWITCHBOARD_JWT_SECRET') });
    expect(edgeRefusal(refusal(status.UNAVAILABLE, 'connect ECONNREFUSED'), 'queue service')).toMatchObject({ code: 'OPS.UNAVAILABLE' });
  });

  it('builds UpdateAgent with a mask of exactly the fields sent', () => {
    // The console sends only the channels it changes; an unknown channel or field is refused.
    expect(profileBody.safeParse({ capacities: { fax: 1 } }).success).toBe(false);
    expect(profileBody.safeParse({ skill: { billing: 4 } }).success).toBe(false);
    const request = profileRequest('s1', profileBody.parse({ skills: { billing: 4 }, capacities: { chat: 3 }, reason: 'busy day' }));
    expect(request).toMatchObject({ agentId: 's1', updateMask: ['skills', 'capacities'], skills: [{ name: 'billing', proficiency: 4 }],
      capacities: [{ channel: Channel.CHANNEL_CHAT, maxConcurrent: 3 }], languages: [], queues: [], reason: 'busy day' });
    expect(profileRequest('s1', profileBody.parse({ reset: true }))).toMatchObject({ updateMask: [], resetToDirectory: true });
  });
});

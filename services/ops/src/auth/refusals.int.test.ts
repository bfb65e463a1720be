import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OpsServiceClient } from '@switchboard/contracts';
import { eventually, publishArrival, publishEvent, startOpsBed, TEST_SESSION_SECRET, testToken, type OpsBed } from '../test-support.js';

/** Every credential a caller might bring, and the refusal each must get (401 none/wrong/expired, 403 tenant/role). */
const CREDENTIALS = [
  { name: 'none', header: async () => undefined, http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'garbage', header: async () => 'Bearer not.a.jwt', http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'not bearer', header: async () => 'Basic dXNlcjpwYXNz', http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'wrong secret', header: async (d: string) => `Bearer ${await testToken({ role: 'supervisor', domain: d, secret: 'someone-elses-secret-0123' })}`, http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'expired', header: async (d: string) => `Bearer ${await testToken({ role: 'supervisor', domain: d, expiresIn: -60 })}`, http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'no domain claim', header: async () => `Bearer ${await testToken({ role: 'supervisor', domain: '' })}`, http: 401, grpc: status.UNAUTHENTICATED },
  { name: 'other tenant', header: async () => `Bearer ${await testToken({ role: 'supervisor', domain: 'another-tenant' })}`, http: 403, grpc: status.PERMISSION_DENIED },
  { name: 'agent', header: async (d: string) => `Bearer ${await testToken({ role: 'agent', domain: d })}`, http: 403, grpc: status.PERMISSION_DENIED },
  { name: 'platform', header: async (d: string) => `Bearer ${await testToken({ role: 'platform', domain: d })}`, http: 403, grpc: status.PERMISSION_DENIED },
] as const;

const ROUTES = ['/api/contacts', '/api/contacts/r-1/trace', '/api/agents/agent-1/actions', '/api/snapshot', '/api/kpis', '/api/audit', '/api/events',
  '/api/agents/performance', '/api/agents/performance.csv', '/api/agents/performance.parquet', '/api/nothing-here'];

describe('ops refuses whoever does not belong, on every surface', () => {
  let bed: OpsBed;
  let client: OpsServiceClient;
  beforeAll(async () => {
    bed = await startOpsBed('opsauth');
    client = new OpsServiceClient(`127.0.0.1:${bed.ops.grpcPort}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await bed?.close();
  });

  for (const credential of CREDENTIALS) {
    it(`HTTP: ${credential.name} → ${credential.http} on every /api route and the console page`, async () => {
      const header = await credential.header(bed.scope.domain);
      for (const route of ROUTES) {
        const res = await fetch(bed.url + route, { headers: header ? { authorization: header } : {} });
        expect(res.status, route).toBe(credential.http);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code, route).toBe(credential.http === 401 ? 'OPS.UNAUTHENTICATED' : 'OPS.PERMISSION_DENIED');
        expect(body.error.message.length, route).toBeGreaterThan(5);
        if (credential.http === 401) expect(res.headers.get('www-authenticate'), route).toMatch(/^Bearer/);
      }
      for (const path of ['/', '/agent?id=a1']) {
        const page = await fetch(`${bed.url}${path}`, { headers: header ? { authorization: header } : {} });
        expect(page.status, path).toBe(credential.http);
      }
    });

    it(`gRPC: ${credential.name} → ${status[credential.grpc]} on every OpsService method`, async () => {
      const header = await credential.header(bed.scope.domain);
      const md = () => {
        const m = new Metadata();
        if (header) m.set('authorization', header);
        return m;
      };
      const unary = (method: string, request: unknown) => new Promise<ServiceError | null>((resolve) => {
        (client as unknown as Record<string, (r: unknown, m: Metadata, cb: (e: ServiceError | null) => void) => void>)[method]!.call(client, request, md(), (e) => resolve(e));
      });
      for (const [method, request] of [['getContactTrace', { domain: '', contactId: 'r-1' }], ['getSnapshot', { domain: '' }],
        ['getKpis', { domain: '', queueIds: [], intervalSeconds: 0 }], ['getAuditReport', { domain: '' }],
        ['getAgentPerformance', { domain: '', agentIds: [], intervalSeconds: 0 }]] as const) {
        expect((await unary(method, request))?.code, method).toBe(credential.grpc);
      }
      const stream = client.streamEvents({ domain: '', queueIds: [], agentIds: [], contactIds: [] }, md());
      const error = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      expect(error.code, 'streamEvents').toBe(credential.grpc);
    });
  }

  it('lets supervisor and ops readers in; health, readiness and /metrics stay open', async () => {
    for (const role of ['supervisor', 'ops']) {
      const authorization = `Bearer ${await testToken({ role, domain: bed.scope.domain })}`;
      expect((await fetch(`${bed.url}/api/contacts`, { headers: { authorization } })).status, role).toBe(200);
    }
    for (const open of ['/healthz', '/readyz', '/metrics', '/console/console.js']) expect((await fetch(bed.url + open)).status, open).toBe(200);
    // No dev login where pnpm start did not configure one.
    expect((await fetch(`${bed.url}/auth/dev-login?token=anything`, { redirect: 'manual' })).status).toBe(404);
  });

  it('shows a supervisor contact attributes and notes, and an ops reader neither (nor phone numbers in free text)', async () => {
    await publishArrival(bed, 'r-1', 'cccccccccccccccccccccccccccccccc', [{ key: 'ivr.digits', value: '4921' }, { key: 'page.url', value: 'https://shop.example/cart?mail=jo@example.com' }]);
    await publishEvent(bed, { contactId: 'r-1', agentId: 'agent-1', completed: { disposition: 'resolved', notes: 'call back on +8613800000001', handleSeconds: 5 } });
    const as = async (role: string) => eventually(async () => {
      const res = await fetch(`${bed.url}/api/contacts/r-1/trace`, { headers: { authorization: `Bearer ${await testToken({ role, domain: bed.scope.domain })}` } });
      const text = await res.text();
      return res.status === 200 && text.includes('completed') ? text : undefined;
    });
    const supervisor = await as('supervisor');
    expect(supervisor).toContain('4921');
    expect(supervisor).toContain('jo@example.com');
    expect(supervisor).toContain('+8613800000001');
    const reader = await as('ops');
    expect(reader).toContain('ivr.digits');
    expect(reader).not.toMatch(/4921|jo@example\.com|8613800000001/);
    expect(reader).toContain('[redacted]');
    // The same for the gRPC edge.
    const md = new Metadata();
    md.set('authorization', `Bearer ${await testToken({ role: 'ops', domain: bed.scope.domain })}`);
    const trace = await new Promise<unknown>((resolve, reject) => client.getContactTrace({ domain: '', contactId: 'r-1' }, md, (e, r) => (e ? reject(e) : resolve(r))));
    expect(JSON.stringify(trace)).not.toMatch(/4921|jo@example\.com|8613800000001/);
  });

  it('answers 400 with the parameter and a reason, never a 5xx, for out-of-range and malformed query parameters', async () => {
    const bad = ['/api/kpis?to=%2B010000-01-01T00:00:00Z', '/api/kpis?to=99999999999999999', '/api/kpis?from=-5', '/api/kpis?to=10000-01-01',
      '/api/kpis?interval=1e400', '/api/kpis?interval=abc', '/api/kpis?interval=99999999999', '/api/kpis?from=1h&from=2h', '/api/kpis?from=yesterday',
      `/api/kpis?queue=${Array.from({ length: 101 }, (_, i) => `q${i}`).join(',')}`, '/api/kpis?from=1m&to=2m',
      '/api/contacts?limit=0', '/api/contacts?limit=501', '/api/contacts?limit=x',
      '/api/events?since=99999999999999999', '/api/events?since=2999-01-01', `/api/events?contact=${'x'.repeat(201)}`,
      `/api/contacts/${'c'.repeat(201)}/trace`];
    for (const path of bad) {
      const res = await fetch(bed.url + path, { headers: bed.supervisor });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      const body = (await res.json()) as { error?: { message?: string } };
      expect(body.error?.message, path).toBeTruthy();
    }
    const kpis = await fetch(`${bed.url}/api/kpis?to=%2B010000-01-01T00:00:00Z`, { headers: bed.supervisor });
    expect(await kpis.json()).toMatchObject({ error: { code: 'OPS.INVALID_ARGUMENT', field: 'to', message: expect.stringContaining('9999') } });
    // gRPC: the same range check on Timestamps.
    const md = new Metadata();
    md.set('authorization', bed.supervisor.authorization);
    const error = await new Promise<ServiceError | null>((resolve) => client.getKpis({ domain: '', queueIds: [], from: new Date(0), to: new Date(8.64e15), intervalSeconds: 0 }, md, (e) => resolve(e)));
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("pnpm start's one-time dev login", () => {
  let bed: OpsBed;
  const token = 'dev-login-token-for-this-test-0123456789abc';
  beforeAll(async () => { bed = await startOpsBed('opsdev', { devLoginToken: token, sessionSecret: TEST_SESSION_SECRET }); });
  afterAll(async () => { await bed?.close(); });

  it('refuses a wrong link, signs one browser in as a supervisor with the right one, and only once', async () => {
    expect((await fetch(`${bed.url}/`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${bed.url}/auth/dev-login?token=guess`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${bed.url}/auth/dev-login`, { redirect: 'manual' })).status).toBe(401);
    const login = await fetch(`${bed.url}/auth/dev-login?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(await (await fetch(`${bed.url}/auth/session`, { headers: { cookie } })).json()).toMatchObject({ role: 'supervisor', via: 'dev', domain: bed.scope.domain });
    expect((await fetch(`${bed.url}/api/contacts`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${bed.url}/auth/dev-login?token=${token}`, { redirect: 'manual' })).status).toBe(401);
  });
});

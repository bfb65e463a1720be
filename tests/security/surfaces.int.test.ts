import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, credentials, Metadata, status, type MethodDefinition, type ServiceError } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import WebSocket from 'ws';
import { AgentServiceService, Channel, Contact, CustomerServiceService, IngestServiceService, OpsServiceService, Presence, QueueServiceService, SignInRequest } from '@switchboard/contracts';
import { agentSubject, connectBus, contactsSubject, ensureStreams, routingSubject } from '@switchboard/bus';
import { startLockedNats, type LockedNats, type LockedUser } from '@switchboard/bus/testing';
import { signSurveyLink, startIngestServices, type RunningIngestServices } from '@switchboard/ingest-kit';
import { phoneIngestService } from '@switchboard/ingest-phone';
import { emailIngestService } from '@switchboard/ingest-email';
import { chatIngestService } from '@switchboard/ingest-chat';
import { wechatIngestService } from '@switchboard/ingest-wechat';
import { grpcIngestService } from '@switchboard/ingest-grpc';
import { startOps, type RunningOps } from '@switchboard/ops';
import { routerSubjects } from '@switchboard/router-api';
import { startAclRedis, type AclRedis } from '@switchboard/state/testing';
import { createCallbackCrypto } from '@switchboard/wechat';
import { agent, agentRules } from '../agents/support/fixtures.js';
import { Mesh, SECRET, TOKENS } from '../agents/support/mesh.js';
import {
  bearer, freshSecret, genericPhoneHeaders, mailgunHeaders, nowSeconds, STALE_SECONDS, twilioSignature, wechatSignature,
} from './support/credentials.js';
import { CREDENTIALS, routesOf, type Credential, type PublicRoutes, type Refusal, type SurfaceRow } from './support/surface-table.js';

/**
 * Must show 1 of "Nobody gets in": every surface a person, platform or service reaches, tried with
 * no credential, a wrong one, an expired one, another tenant's and a lower role's, each refused
 * with a clear status. The HTTP rows are checked against the routes the servers really
 * registered and the gRPC rows against the services' definitions, so a route or method added
 * without a row fails the suite. A credential that cannot apply to a surface says why.
 */

const HTTP_REFUSALS = [401, 403] as const;
/** The email survey links' HMAC key in this suite. */
const SURVEY_SECRET = 'security-suite-survey-secret-0123456789';
const GRPC_REFUSALS = ['UNAUTHENTICATED', 'PERMISSION_DENIED'] as const;
const OTHER_TENANT = 'other-tenant';
/** Answers that mean "not you": any other answer to a good credential means the surface let it in. */
const AUTH_REFUSALS: readonly (number | string)[] = [...HTTP_REFUSALS, ...GRPC_REFUSALS, 'NOAUTH', 'WRONGPASS', 'NOPERM', 'AUTHORIZATION_VIOLATION', 'PERMISSIONS_VIOLATION'];
/** Desk calls on a session: a session belongs to the agent who signed in, so another caller's is unknown to it. */
const SESSION_BOUND = new Set(['SignOut', 'SetPresence', 'Connect', 'Heartbeat'].map((m) => `/switchboard.v1.AgentService/${m}`));
const WEBHOOK_NO_TENANT = 'a webhook secret belongs to one deployment (domain): another deployment\'s secret is a wrong credential, the row "wrong"';
const WEBHOOK_NO_ROLE = 'webhook credentials carry no role: a platform either holds the secret or does not';

/** Routes that answer everyone on purpose; every other route needs a row below. */
const PUBLIC_ROUTES: PublicRoutes = {
  'GET /healthz': 'liveness probe: says only that the process runs',
  'GET /readyz': 'readiness probe: says only whether NATS and Redis answer (and the domain)',
  'GET /metrics': 'Prometheus counters by route, status and domain, no customer data; restrict by network policy',
  'ingest-chat POST /v1/sessions': 'an anonymous web visitor opens a chat; limited per address (CHAT_SESSIONS_PER_ADDRESS) and in total (CHAT_MAX_SESSIONS)',
  'ops GET /auth/login': 'starts the OIDC login (redirect to the identity provider)',
  'ops GET /auth/callback': 'the identity provider\'s redirect back: state, nonce and PKCE checked, role and domain from the ID token',
  'ops GET /auth/session': 'says whether the caller is logged in (401 without a session)',
  'ops GET /auth/logout': 'ends the caller\'s own session',
  'ops POST /auth/logout': 'ends the caller\'s own session (CSRF token required)',
  'ops GET /auth/dev-login': 'the one-time login of `pnpm start` only: ops refuses to start with it outside the launcher on loopback',
};

/** The console's own scripts and styles carry no data (the data comes from /api, behind the login). */
const isConsoleAsset = (route: string) => /^GET \/console\/[\w-]+\.(js|css)$/.test(route);

async function httpAttempt(url: string, init: RequestInit = {}): Promise<Refusal> {
  const response = await fetch(url, { ...init, redirect: 'manual' });
  const text = await response.text();
  if (response.status >= 300 && response.status < 400) return { status: response.status, reason: `redirect to ${response.headers.get('location') ?? '?'}` };
  return { status: response.status, reason: text.slice(0, 300) };
}

/** The HTTP status a WebSocket upgrade was answered with (101 when it opened). */
function upgradeAttempt(url: string): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => { ws.close(); resolve({ status: 101, reason: 'upgraded' }); });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, reason: body.slice(0, 300) }); ws.terminate(); });
    });
    ws.once('error', (error) => { if (!/Unexpected server response/.test(error.message)) reject(error); });
  });
}

/** One call of any unary or server-streaming method with an empty request, as a refusal or what came back. */
function grpcAttempt(port: number, method: MethodDefinition<unknown, unknown>, metadata: Metadata, fields: Record<string, unknown> = {}): Promise<Refusal> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  // A request that would pass validation, so what refuses it is the credential and nothing else.
  const request = Object.assign(method.requestDeserialize(Buffer.alloc(0)) as object, fields);
  const deadline = Date.now() + 5_000;
  const done = (resolve: (r: Refusal) => void) => (error: ServiceError | null) => {
    client.close();
    resolve(error ? { status: status[error.code], reason: error.details } : { status: 'OK', reason: 'answered' });
  };
  return new Promise((resolve) => {
    if (method.requestStream) throw new Error(`${method.path}: client streaming is not tried by this suite; add it`);
    if (!method.responseStream) {
      client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline }, done(resolve));
      return;
    }
    const stream = client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline });
    stream.on('data', () => { stream.cancel(); client.close(); resolve({ status: 'OK', reason: 'streamed' }); });
    stream.on('error', (error: ServiceError) => done(resolve)(error.code === status.CANCELLED ? null : error));
  });
}

function withAuthorization(value: string | undefined): Metadata {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set('authorization', value);
  return metadata;
}

const portOf = (app: FastifyInstance) => (app.server.address() as AddressInfo).port;

describe('nobody gets in where they do not belong: every surface, every bad credential', () => {
  const domain = () => mesh.domain;
  let mesh: Mesh;
  let ops: RunningOps;
  let bus: LockedNats;
  let ingest: RunningIngestServices;
  let redisAcl: AclRedis;
  const secrets = {
    phone: freshSecret(), twilio: freshSecret(), chat: freshSecret(48), wechatOa: freshSecret(24), wechatWork: freshSecret(24),
    wechatWorkKey: randomBytes(32).toString('base64').slice(0, 43), grpc: freshSecret(), email: freshSecret(),
  };
  const PUBLIC_URL = 'https://phone.switchboard.test';
  const CORP_ID = 'wwsecuritytest';
  const rows: SurfaceRow[] = [];
  let deskSession = '';
  const httpServers = new Map<string, FastifyInstance>();

  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('a1')], graceSeconds: 120, customerKeySecret: 'security-test-customer-key-secret' });
    deskSession = await new Promise<string>((resolve, reject) => {
      void mesh.auth('a1').then((metadata) => mesh.agentClient.signIn(SignInRequest.fromPartial({}), metadata, (error, response) => (error ? reject(error) : resolve(response.sessionId))));
    });
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TOKENS, sessionTtlSeconds: 600 }, edges: { agentGateway: `127.0.0.1:${mesh.gateway.port}`, queueService: `127.0.0.1:${mesh.queues.port}` } },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
    bus = await startLockedNats();
    const admin = await bus.connect('admin');
    await ensureStreams(await admin.jetstreamManager(), bus.names);
    await admin.close();
    ingest = await startIngestServices({
      processName: 'security-suite',
      services: [phoneIngestService, emailIngestService, chatIngestService, wechatIngestService, grpcIngestService],
      names: bus.names,
      destination: pino.destination({ dest: '/dev/null', sync: false }),
      env: {
        ...bus.env('ingest-all'), HOST: '127.0.0.1', SWITCHBOARD_DOMAIN: mesh.domain, LOG_LEVEL: 'silent',
        INGEST_PHONE_PORT: '0', INGEST_EMAIL_PORT: '0', INGEST_EMAIL_SMTP_PORT: '0', INGEST_CHAT_PORT: '0', INGEST_WECHAT_PORT: '0', INGEST_GRPC_PORT: '0', INGEST_GRPC_HTTP_PORT: '0',
        PHONE_WEBHOOK_SECRET: secrets.phone, TWILIO_AUTH_TOKEN: secrets.twilio, PUBLIC_URL, CHAT_SESSION_SECRET: secrets.chat,
        WECHAT_OA_TOKEN: secrets.wechatOa, WECHAT_WORK_TOKEN: secrets.wechatWork, WECHAT_WORK_AES_KEY: secrets.wechatWorkKey, WECHAT_WORK_CORPID: CORP_ID,
        INGEST_GRPC_TOKEN: secrets.grpc, EMAIL_WEBHOOK_SIGNING_KEY: secrets.email, EMAIL_SURVEY_SECRET: SURVEY_SECRET, EMAIL_SURVEY_URL: 'https://mail.switchboard.test',
      },
    });
    for (const [name, service] of ingest.services) if (service.http) httpServers.set(name, service.http);
    httpServers.set('ops', ops.http);
    redisAcl = await startAclRedis(`sec${randomBytes(3).toString('hex')}:`);
    rows.push(...ingestRows(), ...opsHttpRows(), ...grpcRows(), ...natsRows(), ...redisRows());
  }, 120_000);

  afterAll(async () => {
    await ingest?.close().catch(() => undefined);
    await ops?.stop();
    await mesh?.close();
    await bus?.stop();
    await redisAcl?.stop();
  });

  // ---- ingestion webhooks ------------------------------------------------------------------

  function ingestRows(): SurfaceRow[] {
    const url = (service: string, path: string) => `http://127.0.0.1:${portOf(httpServers.get(service)!)}${path}`;
    const webhookNa = { otherTenant: WEBHOOK_NO_TENANT, lowerRole: WEBHOOK_NO_ROLE };
    const genericBody = JSON.stringify({ callId: 'security-1', from: '+8613800000000', to: '+864000000000' });
    const twilioRow = (path: string): SurfaceRow => {
      const params = { CallSid: 'CAsecurity', AccountSid: 'ACsecurity', From: '+8613800000000', To: '+864000000000', CallStatus: 'ringing' };
      const form = (signature?: string) => httpAttempt(url('ingest-phone', path), {
        method: 'POST', body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
      });
      return {
        surface: `ingest-phone POST ${path}`,
        attempts: { none: () => form(), wrong: () => form(twilioSignature('not-the-auth-token', PUBLIC_URL + path, params)) },
        notApplicable: { ...webhookNa, expired: 'Twilio signs no timestamp: a replayed signature is answered as the duplicate it is (same TwiML, nothing published again; twilio-routes.ts)' },
      };
    };
    const mailgunRow = (path: string, body: string, contentType: string): SurfaceRow => {
      const post = (headers: Record<string, string>) => httpAttempt(url('ingest-email', path), { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
      return {
        surface: `ingest-email POST ${path}`,
        attempts: {
          none: () => post({}),
          wrong: () => post(mailgunHeaders('not-the-signing-key')),
          expired: () => post(mailgunHeaders(secrets.email, nowSeconds() - STALE_SECONDS)),
        },
        notApplicable: webhookNa,
      };
    };
    // The survey pages are for the customer's browser: the link's own HMAC token is the credential.
    const surveyRow = (method: 'GET' | 'POST'): SurfaceRow => {
      const attempt = (token?: string) => httpAttempt(url('ingest-email', `/v1/surveys${token === undefined ? '' : `?token=${token}`}`),
        method === 'POST' ? { method, body: 'score=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {});
      const claims = (expiresAtMs: number) => ({ domain: mesh.domain, contactId: 'email-security', expiresAtMs });
      return {
        surface: `ingest-email ${method} /v1/surveys`,
        attempts: {
          none: () => attempt(),
          wrong: () => attempt(signSurveyLink('not-the-survey-secret-0123456789abcdef', claims(Date.now() + 3_600_000))),
          expired: () => attempt(signSurveyLink(SURVEY_SECRET, claims(Date.now() - 1_000))),
        },
        refusedWith: [401, 403, 410],
        notApplicable: {
          otherTenant: 'a survey link names its domain and is signed with that deployment\'s secret: another deployment\'s link is a wrong credential, the row "wrong"',
          lowerRole: 'a survey link carries no role: it names one contact, whose customer may rate it once',
        },
      };
    };
    const oaQuery = (timestamp: number, signature?: string, extra = '') => {
      const nonce = randomBytes(6).toString('hex');
      const sig = signature ?? wechatSignature([secrets.wechatOa, String(timestamp), nonce]);
      return `?signature=${sig}&timestamp=${timestamp}&nonce=${nonce}${extra}`;
    };
    const oaXml = `<xml><ToUserName><![CDATA[gh_security]]></ToUserName><FromUserName><![CDATA[o-security]]></FromUserName><CreateTime>${nowSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>`;
    const work = createCallbackCrypto({ token: secrets.wechatWork, encodingAesKey: secrets.wechatWorkKey, receiverId: CORP_ID });
    const workPost = (timestamp: number, signature?: 'none' | 'wrong') => {
      const nonce = randomBytes(6).toString('hex');
      const sealed = work.seal('<xml><ToUserName><![CDATA[ww]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[t]]></Token><OpenKfId><![CDATA[wk]]></OpenKfId></xml>', String(timestamp), nonce);
      const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(sealed)![1]!;
      const msgSignature = signature === 'wrong' ? 'f'.repeat(40) : wechatSignature([secrets.wechatWork, String(timestamp), nonce, encrypt]);
      const query = signature === 'none' ? '' : `?msg_signature=${msgSignature}&timestamp=${timestamp}&nonce=${nonce}`;
      return httpAttempt(url('ingest-wechat', `/wechat/work${query}`), {
        method: 'POST', headers: { 'content-type': 'text/xml' },
        body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1]]></AgentID></xml>`,
      });
    };
    const chatWs = (token: string | undefined) => upgradeAttempt(`${url('ingest-chat', '').replace(/^http/, 'ws')}/v1/sessions/s-security/ws${token === undefined ? '' : `?token=${token}`}`);
    return [
      {
        surface: 'ingest-phone POST /v1/contacts',
        attempts: {
          none: () => httpAttempt(url('ingest-phone', '/v1/contacts'), { method: 'POST', body: genericBody, headers: { 'content-type': 'application/json' } }),
          wrong: () => httpAttempt(url('ingest-phone', '/v1/contacts'), { method: 'POST', body: genericBody, headers: genericPhoneHeaders('not-the-webhook-secret', genericBody) }),
          expired: () => httpAttempt(url('ingest-phone', '/v1/contacts'), { method: 'POST', body: genericBody, headers: genericPhoneHeaders(secrets.phone, genericBody, nowSeconds() - STALE_SECONDS) }),
        },
        notApplicable: webhookNa,
      },
      twilioRow('/twilio/voice'),
      twilioRow('/twilio/status'),
      // The wait flow and callback legs: signed like every Twilio webhook (twilio-wait-routes.ts, twilio-callback-routes.ts).
      ...['/twilio/wait', '/twilio/callback-choice', '/twilio/queue-left', '/twilio/voicemail', '/twilio/callback-connect', '/twilio/callback-status', '/twilio/survey', '/twilio/survey-answer'].map(twilioRow),
      surveyRow('GET'),
      surveyRow('POST'),
      mailgunRow('/v1/inbound-email', 'From: a@example.net\r\nSubject: hi\r\nMessage-ID: <security@x>\r\n\r\nx\r\n', 'message/rfc822'),
      mailgunRow('/v1/conversations/close', JSON.stringify({ conversationId: 'security' }), 'application/json'),
      {
        surface: 'ingest-chat GET /v1/sessions/:id/ws',
        attempts: { none: () => chatWs(undefined), wrong: () => chatWs('forged-session-token') },
        notApplicable: {
          expired: 'a session token has no expiry of its own: it is the HMAC of its session id, and a session that ended (KV TTL 24 h) refuses it — the row "wrong"',
          otherTenant: 'a session token is minted by this deployment for one session: another deployment\'s token is a wrong credential, the row "wrong"',
          lowerRole: 'a visitor\'s session token carries no role',
        },
      },
      {
        surface: 'ingest-wechat GET /wechat/oa',
        attempts: {
          none: () => httpAttempt(url('ingest-wechat', '/wechat/oa?echostr=hello')),
          wrong: () => httpAttempt(url('ingest-wechat', `/wechat/oa${oaQuery(nowSeconds(), 'f'.repeat(40), '&echostr=hello')}`)),
        },
        notApplicable: { ...webhookNa, expired: 'URL verification only echoes the echostr its caller sent: a replay learns nothing and changes nothing' },
      },
      {
        surface: 'ingest-wechat POST /wechat/oa',
        attempts: {
          none: () => httpAttempt(url('ingest-wechat', '/wechat/oa'), { method: 'POST', body: oaXml, headers: { 'content-type': 'text/xml' } }),
          wrong: () => httpAttempt(url('ingest-wechat', `/wechat/oa${oaQuery(nowSeconds(), 'f'.repeat(40))}`), { method: 'POST', body: oaXml, headers: { 'content-type': 'text/xml' } }),
          expired: () => httpAttempt(url('ingest-wechat', `/wechat/oa${oaQuery(nowSeconds() - STALE_SECONDS)}`), { method: 'POST', body: oaXml, headers: { 'content-type': 'text/xml' } }),
        },
        notApplicable: webhookNa,
      },
      {
        surface: 'ingest-wechat GET /wechat/work',
        attempts: {
          none: () => httpAttempt(url('ingest-wechat', '/wechat/work?echostr=hello')),
          wrong: () => httpAttempt(url('ingest-wechat', `/wechat/work?msg_signature=${'f'.repeat(40)}&timestamp=${nowSeconds()}&nonce=n1&echostr=hello`)),
        },
        notApplicable: { ...webhookNa, expired: 'URL verification only decrypts the echostr its caller sent: a replay learns nothing and changes nothing' },
      },
      {
        surface: 'ingest-wechat POST /wechat/work',
        attempts: { none: () => workPost(nowSeconds(), 'none'), wrong: () => workPost(nowSeconds(), 'wrong'), expired: () => workPost(nowSeconds() - STALE_SECONDS) },
        notApplicable: webhookNa,
      },
    ];
  }

  // ---- ops over HTTP -----------------------------------------------------------------------

  function opsHttpRows(): SurfaceRow[] {
    const base = () => `http://127.0.0.1:${ops.httpPort}`;
    const withToken = (path: string, token: Promise<string | undefined>) => async () => {
      const value = await token;
      return httpAttempt(`${base()}${path}`, { headers: value === undefined ? {} : { authorization: `Bearer ${value}` } });
    };
    const bearerRow = (route: string, path: string, streams = false): SurfaceRow => ({
      surface: `ops ${route}`,
      attempts: {
        none: withToken(path, Promise.resolve(undefined)),
        wrong: withToken(path, bearer('a-secret-that-is-not-the-deployments', { role: 'supervisor', domain: domain() })),
        expired: withToken(path, bearer(SECRET, { role: 'supervisor', domain: domain(), expired: true })),
        otherTenant: withToken(path, bearer(SECRET, { role: 'supervisor', domain: OTHER_TENANT })),
        lowerRole: withToken(path, bearer(SECRET, { role: 'agent', domain: domain() })),
      },
      // A stream (SSE) that is let in never ends: its acceptance is the console test's.
      ...(streams ? {} : { accepted: withToken(path, bearer(SECRET, { role: 'ops', domain: domain() })) }),
    });
    const post = (path: string, body: unknown, token: Promise<string | undefined>) => async () => {
      const value = await token;
      return httpAttempt(`${base()}${path}`, { method: 'POST', body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(value === undefined ? {} : { authorization: `Bearer ${value}` }) } });
    };
    // A supervisor control: the read-only `ops` role is the lower role; a supervisor is let through to the gateway.
    const actionRow = (route: string, path: string, body: unknown = {}): SurfaceRow => ({
      surface: `ops ${route}`,
      attempts: {
        none: post(path, body, Promise.resolve(undefined)),
        wrong: post(path, body, bearer('a-secret-that-is-not-the-deployments', { role: 'supervisor', domain: domain() })),
        expired: post(path, body, bearer(SECRET, { role: 'supervisor', domain: domain(), expired: true })),
        otherTenant: post(path, body, bearer(SECRET, { role: 'supervisor', domain: OTHER_TENANT })),
        lowerRole: post(path, body, bearer(SECRET, { role: 'ops', domain: domain() })),
      },
      accepted: post(path, body, bearer(SECRET, { role: 'supervisor', domain: domain() })),
    });
    const consoleRow = (route: string, path: string): SurfaceRow => ({
      surface: `ops ${route}`,
      attempts: {
        none: () => httpAttempt(`${base()}${path}`),
        wrong: () => httpAttempt(`${base()}${path}`, { headers: { cookie: 'sb_ops_session=forged.session-cookie' } }),
      },
      notApplicable: {
        expired: 'a console session ends server-side (Redis, OPS_SESSION_TTL_SECONDS): an expired session is no session, the row "none"',
        otherTenant: 'a console session is created only for this domain\'s supervisors and ops: the OIDC callback refuses another tenant (services/ops/src/auth/login.int.test.ts)',
        lowerRole: 'the OIDC callback refuses agent and platform roles before any session exists (login.int.test.ts)',
      },
      refusedWith: [401, 302, 303],
    });
    return [
      bearerRow('GET /api/contacts', '/api/contacts'),
      bearerRow('GET /api/contacts/:id/trace', '/api/contacts/security-contact/trace'),
      bearerRow('GET /api/agents/:id/actions', '/api/agents/a1/actions'),
      bearerRow('GET /api/snapshot', '/api/snapshot'),
      bearerRow('GET /api/kpis', '/api/kpis'),
      bearerRow('GET /api/audit', '/api/audit'),
      bearerRow('GET /api/staffing', '/api/staffing'),
      bearerRow('GET /api/agents/performance', '/api/agents/performance'),
      bearerRow('GET /api/agents/performance.csv', '/api/agents/performance.csv'),
      bearerRow('GET /api/agents/performance.parquet', '/api/agents/performance.parquet'),
      bearerRow('GET /api/qa/reviews', '/api/qa/reviews'),
      bearerRow('GET /api/events', '/api/events', true),
      actionRow('POST /api/contacts/:id/end', '/api/contacts/security-contact/end'),
      actionRow('POST /api/contacts/:id/requeue', '/api/contacts/security-contact/requeue'),
      actionRow('POST /api/contacts/:id/priority', '/api/contacts/security-contact/priority', { priority: 1 }),
      actionRow('POST /api/agents/:id/presence', '/api/agents/a1/presence', { presence: 'AWAY' }),
      actionRow('POST /api/agents/:id/sign-out', '/api/agents/a1/sign-out'),
      actionRow('POST /api/agents/:id/profile', '/api/agents/a1/profile', { reset: true }),
      actionRow('POST /api/qa/reviews/:id/score', '/api/qa/reviews/security-contact/score', { formId: 'basic', criteria: [{ criterion: 'greeting', points: 1, maxPoints: 1 }] }),
      ...routesOf(ops.http).filter((r) => !r.includes(' /api/') && !r.includes(' /auth/') && !isConsoleAsset(r) && !(['GET /healthz', 'GET /readyz', 'GET /metrics'].includes(r)))
        .map((route) => consoleRow(route, route.split(' ')[1]!.replace('*', 'index.html'))),
    ];
  }

  // ---- gRPC --------------------------------------------------------------------------------

  /** The role one step below what each method needs; methods every signed-in role may call say so. */
  const LOWER_ROLE: Record<string, { role: 'agent' | 'ops' | 'platform' } | { open: string }> = {
    '/switchboard.v1.AgentService/SignIn': { role: 'ops' },
    '/switchboard.v1.AgentService/SignOut': { role: 'ops' },
    '/switchboard.v1.AgentService/SetPresence': { role: 'ops' },
    '/switchboard.v1.AgentService/Connect': { role: 'ops' },
    '/switchboard.v1.AgentService/Heartbeat': { role: 'ops' },
    '/switchboard.v1.AgentService/Accept': { role: 'ops' },
    '/switchboard.v1.AgentService/Decline': { role: 'ops' },
    '/switchboard.v1.AgentService/Complete': { role: 'ops' },
    '/switchboard.v1.AgentService/Transfer': { role: 'ops' },
    '/switchboard.v1.AgentService/ForceAssign': { role: 'agent' },
    '/switchboard.v1.AgentService/WatchTeam': { role: 'agent' },
    '/switchboard.v1.AgentService/EndContact': { role: 'agent' },
    '/switchboard.v1.AgentService/RequeueContact': { role: 'agent' },
    '/switchboard.v1.AgentService/SetAgentPresence': { role: 'agent' },
    '/switchboard.v1.AgentService/SignAgentOut': { role: 'agent' },
    '/switchboard.v1.AgentService/UpdateAgent': { role: 'agent' },
    '/switchboard.v1.QueueService/CreateQueue': { role: 'agent' },
    '/switchboard.v1.QueueService/UpdateQueue': { role: 'agent' },
    '/switchboard.v1.QueueService/GetQueue': { open: 'every role of the domain may read a queue\'s settings (desks show them)' },
    '/switchboard.v1.QueueService/ListQueues': { open: 'every role of the domain may list its queues' },
    '/switchboard.v1.QueueService/Enqueue': { role: 'agent' },
    '/switchboard.v1.QueueService/Cancel': { role: 'agent' },
    '/switchboard.v1.QueueService/GetPosition': { open: 'a platform tells its caller the position; every role of the domain may read it' },
    '/switchboard.v1.QueueService/Reprioritize': { role: 'agent' },
    '/switchboard.v1.QueueService/GetQueueStats': { open: 'queue figures are for every role of the domain (wallboards, desks)' },
    '/switchboard.v1.QueueService/WatchQueues': { open: 'queue figures are for every role of the domain (wallboards, desks)' },
    '/switchboard.v1.QueueService/RequestCallback': { role: 'agent' },
    '/switchboard.v1.QueueService/SetSurgeMode': { role: 'platform' },
    // A desk sees a customer's history in its offers; it never links, unlinks or looks customers up.
    '/switchboard.v1.CustomerService/LinkIdentifiers': { role: 'agent' },
    '/switchboard.v1.CustomerService/UnlinkIdentifier': { role: 'agent' },
    '/switchboard.v1.CustomerService/ShowCustomer': { role: 'agent' },
    '/switchboard.v1.OpsService/GetContactTrace': { role: 'agent' },
    '/switchboard.v1.OpsService/GetSnapshot': { role: 'agent' },
    '/switchboard.v1.OpsService/GetKpis': { role: 'agent' },
    '/switchboard.v1.OpsService/StreamEvents': { role: 'agent' },
    '/switchboard.v1.OpsService/GetAuditReport': { role: 'agent' },
    '/switchboard.v1.OpsService/GetStaffing': { role: 'agent' },
    '/switchboard.v1.OpsService/GetAgentPerformance': { role: 'agent' },
    '/switchboard.v1.QueueService/ScoreQaReview': { role: 'agent' },
    '/switchboard.v1.OpsService/ListQaReviews': { role: 'agent' },
  };

  /** Fields that make a method's request valid: a real desk session of a1, a queue, a contact. */
  const requestFields = (): Record<string, Record<string, unknown>> => ({
    '/switchboard.v1.AgentService/SignOut': { sessionId: deskSession },
    '/switchboard.v1.AgentService/SetPresence': { sessionId: deskSession, presence: Presence.PRESENCE_AVAILABLE },
    '/switchboard.v1.AgentService/Connect': { sessionId: deskSession },
    '/switchboard.v1.AgentService/Heartbeat': { sessionId: deskSession },
    '/switchboard.v1.QueueService/GetQueue': { queueId: 'support' },
    '/switchboard.v1.QueueService/GetQueueStats': { queueId: 'support' },
    '/switchboard.v1.QueueService/Enqueue': { contact: Contact.fromPartial({ channel: Channel.CHANNEL_PHONE }) },
    '/switchboard.v1.QueueService/Cancel': { contactId: 'security-contact' },
    '/switchboard.v1.QueueService/GetPosition': { contactId: 'security-contact' },
    '/switchboard.v1.QueueService/Reprioritize': { contactId: 'security-contact' },
    '/switchboard.v1.QueueService/RequestCallback': { contactId: 'security-contact', number: '+8613800138000' },
    '/switchboard.v1.QueueService/SetSurgeMode': { queueId: 'support', mode: 2, reason: 'security test' },
    '/switchboard.v1.QueueService/ScoreQaReview': { contactId: 'security-contact', formId: 'basic', criteria: [{ criterion: 'greeting', points: 1, maxPoints: 1 }] },
  });

  function grpcRows(): SurfaceRow[] {
    const jwtRows = (service: Record<string, MethodDefinition<unknown, unknown>>, port: number) => Object.values(service).map((method): SurfaceRow => {
      const lower = LOWER_ROLE[method.path];
      if (!lower) throw new Error(`${method.path} has no row in LOWER_ROLE: say which role it refuses, or why every role may call it`);
      const fields = requestFields()[method.path] ?? {};
      const call = (token: Promise<string | undefined>) => async () => grpcAttempt(port, method, withAuthorization((await token) === undefined ? undefined : `Bearer ${await token}`), fields);
      return {
        surface: `gRPC ${method.path}`,
        attempts: {
          none: call(Promise.resolve(undefined)),
          wrong: call(bearer('a-secret-that-is-not-the-deployments', { role: 'supervisor', domain: domain() })),
          expired: call(bearer(SECRET, { role: 'supervisor', domain: domain(), expired: true })),
          otherTenant: call(bearer(SECRET, { role: 'supervisor', domain: OTHER_TENANT })),
          ...('role' in lower ? { lowerRole: call(bearer(SECRET, { role: lower.role, domain: domain() })) } : {}),
        },
        ...('open' in lower ? { notApplicable: { lowerRole: lower.open } } : {}),
        ...(SESSION_BOUND.has(method.path) ? { refusedWith: [...GRPC_REFUSALS, 'NOT_FOUND'] } : {}),
      };
    });
    const ingestPort = ingest.services.get('ingest-grpc')!.grpcPort!;
    const ingestRows = Object.values(IngestServiceService as Record<string, MethodDefinition<unknown, unknown>>).map((method): SurfaceRow => ({
      surface: `gRPC ${method.path}`,
      attempts: {
        none: () => grpcAttempt(ingestPort, method, withAuthorization(undefined)),
        wrong: () => grpcAttempt(ingestPort, method, withAuthorization('Bearer not-the-ingest-token-at-all')),
        lowerRole: async () => grpcAttempt(ingestPort, method, withAuthorization(`Bearer ${await bearer(SECRET, { role: 'agent', domain: domain() })}`)),
      },
      notApplicable: {
        expired: 'INGEST_GRPC_TOKEN is a platform credential without expiry; it is rotated by redeploying with a new one',
        otherTenant: 'the token belongs to one deployment: another deployment\'s token is a wrong credential, the row "wrong"',
      },
    }));
    return [
      ...jwtRows(AgentServiceService as Record<string, MethodDefinition<unknown, unknown>>, mesh.gateway.port),
      ...jwtRows(QueueServiceService as Record<string, MethodDefinition<unknown, unknown>>, mesh.queues.port),
      ...jwtRows(CustomerServiceService as Record<string, MethodDefinition<unknown, unknown>>, mesh.queues.port),
      ...jwtRows(OpsServiceService as Record<string, MethodDefinition<unknown, unknown>>, ops.grpcPort),
      ...ingestRows,
    ];
  }

  // ---- the bus -------------------------------------------------------------------------------

  function natsRows(): SurfaceRow[] {
    const refusedLogin = (env: Record<string, string>) => async (): Promise<Refusal> => {
      try {
        const nc = await connectBus({ url: bus.url, name: 'security-intruder', env, extra: { waitOnFirstConnect: false, maxReconnectAttempts: 0 } });
        await nc.close();
        return { status: 'CONNECTED', reason: 'the server let it in' };
      } catch (error) {
        return { status: 'AUTHORIZATION_VIOLATION', reason: (error as Error).message };
      }
    };
    /** Whether `user`'s core publish on `subject` reached a subscriber with every permission. */
    const publishAs = (user: LockedUser, subject: string) => async (): Promise<Refusal> =>
      (await bus.delivers(user, subject)) ? { status: 'DELIVERED', reason: `${user} published on ${subject}` } : { status: 'PERMISSIONS_VIOLATION', reason: `the server refused ${user} publishing on ${subject}` };
    const natsNa = {
      expired: 'NATS passwords do not expire: deploy/secrets generates them once and rotating is regenerating (README, "The bus locked")',
      otherTenant: 'NATS users are per service, not per domain: one deployment\'s services serve all its domains, and another deployment has its own server',
    };
    const wrongLogin = refusedLogin({ NATS_USER: 'router', NATS_PASSWORD: 'not-the-router-password' });
    const noLogin = refusedLogin({});
    const row = (surface: string, lower: LockedUser, subject: string): SurfaceRow => ({
      surface, attempts: { none: noLogin, wrong: wrongLogin, lowerRole: publishAs(lower, subject) }, notApplicable: natsNa,
      refusedWith: ['AUTHORIZATION_VIOLATION', 'PERMISSIONS_VIOLATION'],
    });
    const d = () => domain();
    return [
      row('NATS publish on ROUTING (router only; tried as ingest-phone)', 'ingest-phone', routingSubject(bus.names, d(), 'ROUTING_BATCH')),
      row('NATS publish on sb.agent.<domain>.<agent> (router only; tried as agent-gateway)', 'agent-gateway', agentSubject(bus.names, d(), 'a1')),
      row('NATS router commands sb.router.<domain>.cmd (gateway and queue-service only; tried as ingest-all)', 'ingest-all', routerSubjects(bus.names.subjectRoot, d()).command),
      row('NATS publish to CONTACTS (ingestion only; tried as agent-gateway)', 'agent-gateway', contactsSubject(bus.names, d(), 'phone')),
      row('NATS JetStream purge of ROUTING (nobody but admin; tried as ops)', 'ops', `$JS.API.STREAM.PURGE.${bus.names.routingStream}`),
    ];
  }

  // ---- Redis ---------------------------------------------------------------------------------

  function redisRows(): SurfaceRow[] {
    const attempt = (credentials: { username: string; password: string } | undefined, command: (r: ReturnType<AclRedis['client']>) => Promise<unknown>) => async (): Promise<Refusal> => {
      const client = redisAcl.client(credentials);
      try {
        await command(client);
        return { status: 'OK', reason: 'Redis ran it' };
      } catch (error) {
        const message = (error as Error).message;
        return { status: /^(\w+)/.exec(message)?.[1] ?? 'ERROR', reason: message };
      } finally {
        client.disconnect();
      }
    };
    const redisNa = {
      expired: 'Redis ACL passwords do not expire: generated once at first start, rotated by regenerating (README, "Redis ACL users")',
      otherTenant: 'Redis users are per service; domains are hash tags within one deployment\'s keys, and another deployment has its own Redis',
    };
    const p = redisAcl.prefix;
    const row = (surface: string, owner: keyof AclRedis['users'], intruder: keyof AclRedis['users'], key: string): SurfaceRow => ({
      surface,
      attempts: {
        none: attempt(undefined, (r) => r.hgetall(key)),
        wrong: attempt({ username: owner, password: 'not-the-password' }, (r) => r.hgetall(key)),
        lowerRole: attempt(redisAcl.users[intruder], (r) => r.hgetall(key)),
      },
      notApplicable: redisNa,
      refusedWith: ['NOAUTH', 'WRONGPASS', 'NOPERM'],
      accepted: attempt(redisAcl.users[owner], (r) => r.hgetall(key)),
    });
    return [
      row('Redis router keys (router only; tried as agent-gateway)', 'router', 'agent-gateway', `${p}{d:${domain()}}:lease`),
      row('Redis gateway keys (agent-gateway only; tried as ops)', 'agent-gateway', 'ops', `${p}gw:{d:${domain()}}:sessions`),
      row('Redis queue-service keys (queue-service only; tried as router)', 'queue-service', 'router', `${p}qs:{d:${domain()}}:versions`),
      row('Redis ops keys (ops only; tried as queue-service)', 'ops', 'queue-service', `${p}ops:{d:${domain()}}:recent`),
      {
        surface: 'Redis FLUSHALL (nobody; tried as router)',
        attempts: {
          none: attempt(undefined, (r) => r.flushall()),
          wrong: attempt({ username: 'router', password: 'not-the-password' }, (r) => r.flushall()),
          lowerRole: attempt(redisAcl.users.router, (r) => r.flushall()),
        },
        notApplicable: redisNa,
        refusedWith: ['NOAUTH', 'WRONGPASS', 'NOPERM'],
      },
    ];
  }

  // ---- the table ---------------------------------------------------------------------------

  it('has a row for every HTTP route the servers registered, and no row for a route that is gone', () => {
    const routed = new Set<string>();
    for (const [service, app] of httpServers) {
      for (const route of routesOf(app)) {
        if (PUBLIC_ROUTES[route] ?? PUBLIC_ROUTES[`${service} ${route}`]) continue;
        if (service === 'ops' && isConsoleAsset(route)) continue;
        routed.add(`${service} ${route}`);
      }
    }
    const httpRows = rows.filter((r) => /^(ingest-\w+|ops) [A-Z]+ \//.test(r.surface)).map((r) => r.surface);
    expect([...routed].sort()).toEqual([...new Set(httpRows)].sort());
  });

  it('has a row for every method of every gRPC service', () => {
    const methods = [AgentServiceService, QueueServiceService, CustomerServiceService, OpsServiceService, IngestServiceService]
      .flatMap((service) => Object.values(service as Record<string, MethodDefinition<unknown, unknown>>).map((m) => `gRPC ${m.path}`));
    expect(rows.filter((r) => r.surface.startsWith('gRPC ')).map((r) => r.surface).sort()).toEqual(methods.sort());
  });

  it('says for each row, for each bad credential, how it is refused or why it cannot apply', () => {
    for (const row of rows) {
      for (const credential of CREDENTIALS) {
        const tried = row.attempts[credential] !== undefined;
        const excused = (row.notApplicable?.[credential] ?? '').length > 20;
        expect(tried !== excused, `${row.surface}: ${credential} must be tried or excused (not both)`).toBe(true);
      }
    }
  });

  it('refuses every bad credential on every surface with a clear status and reason', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const row of rows) {
      const refusedWith = row.refusedWith ?? [...HTTP_REFUSALS, ...GRPC_REFUSALS];
      for (const credential of CREDENTIALS) {
        const attempt = row.attempts[credential as Credential];
        if (!attempt) continue;
        tried++;
        const answer = await attempt();
        if (!refusedWith.includes(answer.status) || answer.reason.trim() === '') failures.push(`${row.surface} with ${credential}: ${answer.status} ${answer.reason}`);
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(150);
  }, 240_000);

  it('lets a good credential through where the row says so (the refusals are not a broken surface)', async () => {
    const failures: string[] = [];
    for (const row of rows) {
      if (!row.accepted) continue;
      const answer = await row.accepted();
      if (AUTH_REFUSALS.includes(answer.status)) failures.push(`${row.surface}: ${answer.status} ${answer.reason}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('answers the rows it refuses differently for a missing and a wrong webhook credential (401 then 403)', async () => {
    // Twilio's routes answer every unsigned request 403: to Twilio a request without its signature is a forgery.
    for (const row of rows.filter((r) => /^ingest-(phone|email|wechat) POST/.test(r.surface) && !r.surface.includes('/twilio/'))) {
      expect((await row.attempts.none!()).status, row.surface).toBe(401);
      expect((await row.attempts.wrong!()).status, row.surface).toBe(403);
    }
  });
});

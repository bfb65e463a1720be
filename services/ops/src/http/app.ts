import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { AgentPerformance, GetAuditReportResponse, GetContactTraceResponse, GetSnapshotResponse, GetStaffingResponse, ListQaReviewsResponse, QueueKpis } from '@switchboard/contracts';
import type { QaReviewList } from '@switchboard/state';
import type { ActionDeps } from '../actions/action-route.js';
import { registerQaActions } from '../actions/qa-actions.js';
import { registerSupervisorActions } from '../actions/supervisor-actions.js';
import { listQaReviews, reviewsOrFail } from '../queries/qa-reviews.js';
import { registerHttpAuth, type HttpAuthDeps } from '../auth/http-auth.js';
import type { OpsReader } from '../auth/principal.js';
import type { OpsMetrics } from '../metrics.js';
import { redactForRole } from '../redaction/redact-for-role.js';
import type { OpsQueries } from '../ops-queries.js';
import { sendError } from './errors.js';
import { agentPerformanceCsv } from '../perf/perf-csv.js';
import { agentPerformanceParquet } from '../perf/perf-parquet.js';
import { agentPerformanceQuery, eventsQuery, kpiQuery, parseQuery, qaReviewsQuery, recentQuery, staffingQuery } from './params.js';
import { streamSse } from './sse.js';
import { registerConsole } from './static-files.js';

/** What the HTTP edge needs. */
export interface OpsHttpDeps {
  readonly queries: OpsQueries;
  /** The QA review list (ListQaReviews); absent: `/api/qa/reviews` answers 503. */
  readonly reviews?: QaReviewList;
  readonly metrics: OpsMetrics;
  readonly logger: Logger;
  /** NATS and Redis both answer. */
  readonly ready: () => boolean;
  /** Who may come in (see registerHttpAuth). */
  readonly auth: Omit<HttpAuthDeps, 'logger' | 'domain'>;
  /** The supervisor controls' way to the edges (see registerSupervisorActions). */
  readonly actions: Omit<ActionDeps, 'logger' | 'domain'>;
}

/** The caller the auth hook let in; every `/api/*` route has one. */
function readerOf(request: { reader?: OpsReader }): OpsReader {
  if (!request.reader) throw new Error('an /api route ran without the auth hook');
  return request.reader;
}

/**
 * The HTTP edge: the console, JSON mirrors of the OpsService calls (bodies are the proto
 * messages' canonical JSON), live events as server-sent events, health and `/metrics`.
 * `/api/*` and the console page need a login (Bearer or session); answers carrying contact data
 * are redacted for the caller's role. `/metrics` stays open: it holds counters by domain, event
 * type, route pattern and status, never a contact, agent or attribute, and Prometheus scrapes it
 * as it does every service's (deploy/k8s annotations).
 */
export async function buildOpsHttp(deps: OpsHttpDeps): Promise<FastifyInstance> {
  // Ids up to 200 characters reach the handlers (which answer 400 beyond), not fastify's bare 404.
  const app = Fastify({
    logger: false, maxParamLength: 300,
    // A slow or silent client cannot hold a socket: headers within 10 s, the whole request within
    // 30 s, idle keep-alive sockets closed after 65 s (beyond a load balancer's usual 60 s). No
    // socket idle timeout: an SSE feed stays open by design (it writes a heartbeat).
    requestTimeout: 30_000, keepAliveTimeout: 65_000,
    http: { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 },
  });
  const log = deps.logger.child({ component: 'http' });
  const { queries, metrics } = deps;
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  const answer = async (reply: FastifyReply, run: () => Promise<unknown>) => {
    try {
      return reply.send(await run());
    } catch (error) {
      return sendError(reply, error, log);
    }
  };

  await registerHttpAuth(app, { ...deps.auth, domain: queries.domain, logger: deps.logger });
  registerConsole(app);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'OPS.NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }));
  // Fastify's own refusals (a malformed body, a header too large…) in the API's error shape, still 4xx.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) return sendError(reply, error, log);
    return reply.code(status).send({ error: { code: 'OPS.INVALID_ARGUMENT', message: error.message } });
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => reply.code(deps.ready() ? 200 : 503).send({ ok: deps.ready(), domain: queries.domain }));
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  app.get('/api/contacts', (request, reply) => answer(reply, async () => {
    const { limit } = parseQuery(recentQuery, request.query);
    return { domain: queries.domain, contactIds: await queries.recentContacts(limit) };
  }));
  app.get<{ Params: { id: string } }>('/api/contacts/:id/trace', (request, reply) =>
    answer(reply, async () => redactForRole(GetContactTraceResponse.toJSON(await queries.trace(request.params.id)), readerOf(request).role)));
  app.get<{ Params: { id: string } }>('/api/agents/:id/actions', (request, reply) =>
    answer(reply, async () => redactForRole(await queries.agentActions(request.params.id), readerOf(request).role)));
  app.get('/api/snapshot', (request, reply) => answer(reply, async () => redactForRole(GetSnapshotResponse.toJSON(await queries.snapshot()), readerOf(request).role)));
  app.get('/api/kpis', (request, reply) => answer(reply, async () => {
    const q = parseQuery(kpiQuery, request.query);
    const rows = await queries.kpis({ queueIds: q.queue, fromMs: q.from, toMs: q.to, intervalSeconds: q.interval });
    return { kpis: rows.map((row) => QueueKpis.toJSON(row)) };
  }));
  app.get('/api/staffing', (request, reply) => answer(reply, async () => {
    const q = parseQuery(staffingQuery, request.query);
    return GetStaffingResponse.toJSON(await queries.staffing({ queueIds: q.queue, intervals: q.intervals }));
  }));
  app.get('/api/qa/reviews', (request, reply) => answer(reply, async () => {
    const q = parseQuery(qaReviewsQuery, request.query);
    const list = await listQaReviews(reviewsOrFail(deps.reviews), { queueId: q.queue ?? '', scored: q.scored === 'true', limit: q.limit });
    return redactForRole(ListQaReviewsResponse.toJSON(list), readerOf(request).role);
  }));
  const performance = (query: unknown) => {
    const q = parseQuery(agentPerformanceQuery, query);
    return queries.agentPerformance({ agentIds: q.agent, fromMs: q.from, toMs: q.to, intervalSeconds: q.interval });
  };
  app.get('/api/agents/performance', (request, reply) => answer(reply, async () =>
    ({ rows: (await performance(request.query)).map((row) => AgentPerformance.toJSON(row)) })));
  app.get('/api/agents/performance.csv', (request, reply) => answer(reply, async () => {
    const csv = agentPerformanceCsv(await performance(request.query));
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="agent-performance.csv"');
    return csv;
  }));
  app.get('/api/agents/performance.parquet', (request, reply) => answer(reply, async () => {
    const file = agentPerformanceParquet(await performance(request.query));
    reply.header('content-type', 'application/vnd.apache.parquet').header('content-disposition', 'attachment; filename="agent-performance.parquet"');
    return file;
  }));
  app.get('/api/audit', (_request, reply) => answer(reply, async () => GetAuditReportResponse.toJSON(await queries.audit())));
  app.get('/api/events', async (request, reply) => {
    let feed;
    try {
      const q = parseQuery(eventsQuery, request.query);
      feed = await queries.events({ queueIds: q.queue, agentIds: q.agent, contactIds: q.contact }, q.since);
    } catch (error) {
      return sendError(reply, error, log);
    }
    metrics.watchers.inc({ edge: 'sse' });
    const role = readerOf(request).role;
    await streamSse(request, reply, feed, () => metrics.watchers.dec({ edge: 'sse' }), (json) => redactForRole(json, role));
  });
  registerSupervisorActions(app, { ...deps.actions, domain: queries.domain, logger: deps.logger });
  registerQaActions(app, { ...deps.actions, domain: queries.domain, logger: deps.logger });
  return app;
}

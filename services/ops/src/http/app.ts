import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { GetAuditReportResponse, GetContactTraceResponse, GetSnapshotResponse, QueueKpis } from '@switchboard/contracts';
import type { OpsMetrics } from '../metrics.js';
import type { OpsQueries } from '../ops-queries.js';
import { sendError } from './errors.js';
import { eventsQuery, kpiQuery, parseQuery, recentQuery } from './params.js';
import { streamSse } from './sse.js';
import { registerConsole } from './static-files.js';

/** What the HTTP edge needs. */
export interface OpsHttpDeps {
  readonly queries: OpsQueries;
  readonly metrics: OpsMetrics;
  readonly logger: Logger;
  /** NATS and Redis both answer. */
  readonly ready: () => boolean;
}

/**
 * The HTTP edge: the console, JSON mirrors of the OpsService calls (bodies are the proto
 * messages' canonical JSON), live events as server-sent events, health and `/metrics`.
 */
export async function buildOpsHttp(deps: OpsHttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
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

  registerConsole(app);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => reply.code(deps.ready() ? 200 : 503).send({ ok: deps.ready(), domain: queries.domain }));
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  app.get('/api/contacts', (request, reply) => answer(reply, async () => {
    const { limit } = parseQuery(recentQuery, request.query);
    return { domain: queries.domain, contactIds: await queries.recentContacts(limit) };
  }));
  app.get<{ Params: { id: string } }>('/api/contacts/:id/trace', (request, reply) =>
    answer(reply, async () => GetContactTraceResponse.toJSON(await queries.trace(request.params.id))));
  app.get<{ Params: { id: string } }>('/api/agents/:id/actions', (request, reply) =>
    answer(reply, () => queries.agentActions(request.params.id)));
  app.get('/api/snapshot', (_request, reply) => answer(reply, async () => GetSnapshotResponse.toJSON(await queries.snapshot())));
  app.get('/api/kpis', (request, reply) => answer(reply, async () => {
    const q = parseQuery(kpiQuery, request.query);
    const rows = await queries.kpis({ queueIds: q.queue, fromMs: q.from, toMs: q.to, intervalSeconds: q.interval });
    return { kpis: rows.map((row) => QueueKpis.toJSON(row)) };
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
    await streamSse(request, reply, feed, () => metrics.watchers.dec({ edge: 'sse' }));
  });
  return app;
}

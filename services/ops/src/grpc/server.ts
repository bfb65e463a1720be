import { Server, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import {
  GetContactTraceResponse, GetSnapshotResponse, ListQaReviewsResponse, OpsServiceService, RoutingEvent, type OpsServiceServer, type StreamEventsRequest, type StreamEventsResponse,
} from '@switchboard/contracts';
import { getTracer, withGrpcServerSpan } from '@switchboard/telemetry';
import type { Logger } from 'pino';
import type { BearerAuthenticator } from '../auth/bearer.js';
import { authorize, type OpsReader } from '../auth/principal.js';
import { unauthenticated } from '../errors.js';
import type { OpsMetrics } from '../metrics.js';
import { redactForRole, seesContactData } from '../redaction/redact-for-role.js';
import type { OpsQueries } from '../ops-queries.js';
import { toGrpcError } from './errors.js';
import { listQaReviews, reviewsOrFail } from '../queries/qa-reviews.js';
import type { QaReviewList } from '@switchboard/state';
import { addHealthAndReflection, OPS_SERVICE_NAME, type OpsHealth } from './health-reflection.js';

const tracer = getTracer('@switchboard/ops');

/** A proto message as `reader` may see it (through its JSON, where the role's redaction works). */
function redacted<T>(type: { toJSON(m: T): unknown; fromJSON(j: unknown): T }, message: T, reader: OpsReader): T {
  return seesContactData(reader.role) ? message : type.fromJSON(redactForRole(type.toJSON(message), reader.role));
}

/**
 * The caller of a call, authorized as on HTTP (`authorization: Bearer <jwt>` metadata; supervisor
 * or ops, this domain). Health and reflection are other services and stay open.
 * @throws OpsError UNAUTHENTICATED / PERMISSION_DENIED.
 */
export async function readerOfCall(metadata: Metadata, bearer: BearerAuthenticator | undefined, domain: string): Promise<OpsReader> {
  if (!bearer) throw unauthenticated('this ops takes no Bearer tokens (SWITCHBOARD_JWT_SECRET is not set)');
  const [header] = metadata.get('authorization');
  return authorize(await bearer.authenticate(typeof header === 'string' ? header : undefined), domain);
}

/** Builds the gRPC server with OpsService, health and reflection; the caller binds it. */
export function buildOpsGrpc(queries: OpsQueries, metrics: OpsMetrics, logger: Logger, bearer?: BearerAuthenticator, reviews?: QaReviewList): { server: Server; health: OpsHealth } {
  const log = logger.child({ component: 'grpc' });
  const unary = <Req extends { domain: string }, Res>(method: string, handle: (request: Req, reader: OpsReader) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      withGrpcServerSpan(tracer, { service: OPS_SERVICE_NAME, method, metadata: call.metadata }, async () => {
        const reader = await readerOfCall(call.metadata, bearer, queries.domain);
        queries.checkDomain(call.request.domain);
        return handle(call.request, reader);
      }).then((response) => callback(null, response), (error: unknown) => callback(toGrpcError(error, log)));
    };
  const implementation: OpsServiceServer = {
    getContactTrace: unary('GetContactTrace', async (r, reader) => redacted(GetContactTraceResponse, await queries.trace(r.contactId), reader)),
    getSnapshot: unary('GetSnapshot', async (_r, reader) => redacted(GetSnapshotResponse, await queries.snapshot(), reader)),
    getKpis: unary('GetKpis', async (r) => ({ kpis: await queries.kpis({ queueIds: r.queueIds, fromMs: r.from?.getTime(), toMs: r.to?.getTime(), intervalSeconds: r.intervalSeconds }) })),
    getAuditReport: unary('GetAuditReport', () => queries.audit()),
    getStaffing: unary('GetStaffing', (r) => queries.staffing({ queueIds: r.queueIds, intervals: r.intervals })),
    getAgentPerformance: unary('GetAgentPerformance', async (r) => ({ rows: await queries.agentPerformance({ agentIds: r.agentIds,
      fromMs: r.from?.getTime(), toMs: r.to?.getTime(), intervalSeconds: r.intervalSeconds }) })),
    listQaReviews: unary('ListQaReviews', async (r, reader) => redacted(ListQaReviewsResponse, await listQaReviews(reviewsOrFail(reviews), r), reader)),
    streamEvents: (call) => void streamEvents(call, queries, metrics, log, bearer),
  };
  const server = new Server();
  server.addService(OpsServiceService, implementation as unknown as UntypedServiceImplementation);
  return { server, health: addHealthAndReflection(server) };
}

/**
 * Follows the feed until the client cancels; errors end the call with their status. The feed (an
 * ordered consumer on ROUTING) is closed in every ending, also for a client that cancelled while
 * it was being opened (grpc-js emits `cancelled` once, before our listener existed).
 */
export async function streamEvents(call: ServerWritableStream<StreamEventsRequest, StreamEventsResponse>, queries: OpsQueries, metrics: OpsMetrics, log: Logger,
  bearer?: BearerAuthenticator): Promise<void> {
  let feed;
  let reader: OpsReader;
  try {
    reader = await readerOfCall(call.metadata, bearer, queries.domain);
    queries.checkDomain(call.request.domain);
    const r = call.request;
    feed = await queries.events({ queueIds: r.queueIds, agentIds: r.agentIds, contactIds: r.contactIds }, r.since?.getTime());
  } catch (error) {
    // Emitted, not destroy(): grpc-js sends an emitted error as the call's status; a destroyed
    // stream before the first write ends without one and the client waits.
    if (!call.cancelled && !call.destroyed) call.emit('error', toGrpcError(error, log));
    return;
  }
  metrics.watchers.inc({ edge: 'grpc' });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void feed.close();
  };
  call.on('cancelled', stop);
  call.on('close', stop);
  if (call.cancelled) stop();
  try {
    for await (const event of feed) {
      if (call.cancelled) break;
      call.write({ event: redacted(RoutingEvent, event, reader) });
    }
  } catch (error) {
    log.warn({ err: error }, 'event stream ended');
  } finally {
    stop();
    metrics.watchers.dec({ edge: 'grpc' });
    if (!call.cancelled) call.end();
  }
}

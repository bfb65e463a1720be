import { Server, type Metadata, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { IngestServiceService, type IngestServiceServer } from '@switchboard/contracts';
import { AuthError, bearerToken, constantTimeEqual, RateLimitedError, retryAfterSeconds, SourceLimiter, type ContactPublisher } from '@switchboard/ingest-kit';
import { getTracer, withGrpcServerSpan, type Logger } from '@switchboard/telemetry';
import { toGrpcError } from './grpc-errors.js';
import { acceptContact, acceptUpdate, MALFORMED } from './requests.js';

const tracer = getTracer('@switchboard/ingest-grpc');
const SERVICE = 'switchboard.v1.IngestService';

/** Everything the gRPC ingestion server needs. */
export interface IngestGrpcDeps {
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  readonly domain: string;
  /** `INGEST_GRPC_TOKEN`: when set, calls need `authorization: Bearer <token>`. */
  readonly token?: string;
  readonly now?: () => Date;
  /** Largest request accepted (default 256 KiB); larger ones get RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes?: number;
  /**
   * Calls per source (the peer's IP address) and window, answered RESOURCE_EXHAUSTED with a retry
   * hint beyond it (default 600 per minute, as the HTTP services); `false` turns it off.
   */
  readonly rateLimit?: { readonly max: number; readonly windowMs?: number } | false;
}

/** The source of a call: the peer's address without its port (`ipv4:10.0.0.7:51234` → `10.0.0.7`). */
export function peerSource(peer: string): string {
  const address = peer.replace(/^(ipv4|ipv6|unix|dns):/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) return bracketed[1];
  const hostPort = /^([^:]+):\d+$/.exec(address);
  return hostPort?.[1] ?? address;
}

/**
 * The service definition with deserializers that never throw: grpc-js answers a throwing one
 * with INTERNAL, but undecodable bytes are the client's fault, so the handler sees a marker and
 * answers INVALID_ARGUMENT.
 */
function tolerantDefinition(): ServiceDefinition {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(IngestServiceService)) {
    out[name] = { ...method, requestDeserialize: (bytes: Buffer) => { try { return method.requestDeserialize(bytes); } catch { return { [MALFORMED]: true }; } } };
  }
  return out as ServiceDefinition;
}

function authenticate(metadata: Metadata, token: string | undefined): void {
  if (token === undefined) return;
  const [header] = metadata.get('authorization');
  const presented = bearerToken(typeof header === 'string' ? header : undefined);
  if (presented === undefined) throw new AuthError('missing', 'authorization: Bearer <token> required');
  if (!constantTimeEqual(presented, token)) throw new AuthError('invalid', 'token does not match');
}

/** Builds the server with `IngestService`; the caller binds and starts it. */
export function buildIngestGrpcServer(deps: IngestGrpcDeps): Server {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'grpc' });
  const limits = deps.rateLimit === false ? undefined : deps.rateLimit ?? { max: 600 };
  const limiter = limits ? new SourceLimiter(limits.max, limits.windowMs ?? 60_000) : undefined;
  const unary = <Req, Res>(method: string, handle: (request: Req) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      withGrpcServerSpan(tracer, { service: SERVICE, method, metadata: call.metadata }, async () => {
        // Before authentication: a flood of forged tokens is throttled too.
        const decision = limiter?.take(peerSource(call.getPeer()));
        if (decision && !decision.allowed) throw new RateLimitedError(retryAfterSeconds(decision.retryAfterMs));
        authenticate(call.metadata, deps.token);
        return handle(call.request);
      }).then((response) => callback(null, response), (error: unknown) => callback(toGrpcError(error, log)));
    };
  const implementation: IngestServiceServer = {
    submitContact: unary('SubmitContact', async (request) => {
      const { contact, key } = acceptContact(request, deps.domain, now());
      const published = await deps.publisher.publishContact(contact, key);
      log.info({ contactId: contact.id, duplicate: published.duplicate }, 'contact submitted');
      return { contactId: contact.id, duplicate: published.duplicate };
    }),
    submitContactUpdate: unary('SubmitContactUpdate', async (request) => {
      const { update, key } = acceptUpdate(request, deps.domain, now());
      const published = await deps.publisher.publishContactUpdate(update, key);
      log.info({ contactId: update.contactId, duplicate: published.duplicate }, 'contact update submitted');
      return { duplicate: published.duplicate };
    }),
  };
  const maxBytes = deps.maxMessageBytes ?? 256 * 1024;
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes });
  server.addService(tolerantDefinition(), implementation as unknown as UntypedServiceImplementation);
  return server;
}

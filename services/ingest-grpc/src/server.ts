import { Server, type Metadata, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { IngestServiceService, type IngestServiceServer } from '@switchboard/contracts';
import { addHealthAndReflection } from '@switchboard/grpc-edge';
import {
  AuthError, bearerToken, constantTimeEqual, DEFAULT_SOURCE_LIMITS, RateLimitedError, retryAfterSeconds, SourceLimiter, type ContactPublisher,
} from '@switchboard/ingest-kit';
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
  /** `INGEST_GRPC_TOKEN`: every call needs `authorization: Bearer <token>`; there is no unauthenticated mode. */
  readonly token: string;
  readonly now?: () => Date;
  /** Largest request accepted (default 256 KiB); larger ones get RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes?: number;
  /**
   * Calls per window: `max` per credential (default 60,000 a minute), `maxPerAddress` per peer
   * address for calls that do not authenticate (default 600, or `max` when only `max` is given),
   * answered RESOURCE_EXHAUSTED with a retry hint beyond it; `false` turns it off.
   */
  readonly rateLimit?: { readonly max: number; readonly windowMs?: number; readonly maxPerAddress?: number } | false;
  /** Serve `grpc.health.v1.Health` and reflection (default true; needs the proto sources). */
  readonly healthAndReflection?: boolean;
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

/** The rate-limit source of a call the token authenticated: one credential, one source. */
export const CREDENTIAL_SOURCE = 'grpc:ingest-token';

function authenticate(metadata: Metadata, token: string): void {
  const [header] = metadata.get('authorization');
  const presented = bearerToken(typeof header === 'string' ? header : undefined);
  if (presented === undefined) throw new AuthError('missing', 'authorization: Bearer <token> required');
  if (!constantTimeEqual(presented, token)) throw new AuthError('invalid', 'token does not match');
}

/** Builds the server with `IngestService`; the caller binds and starts it. */
export function buildIngestGrpcServer(deps: IngestGrpcDeps): Server {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'grpc' });
  if (deps.token === '') throw new TypeError('IngestService needs a token: it has no unauthenticated mode');
  const limiters = createLimiters(deps.rateLimit);
  const unary = <Req, Res>(method: string, handle: (request: Req) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      withGrpcServerSpan(tracer, { service: SERVICE, method, metadata: call.metadata }, async () => {
        const check = () => authenticate(call.metadata, deps.token);
        if (limiters) limiters.admit(peerSource(call.getPeer()), check);
        else check();
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
  if (deps.healthAndReflection ?? true) addHealthAndReflection(server, { protoFiles: ['switchboard/v1/ingest_service.proto'], services: [SERVICE] });
  return server;
}

/**
 * Per-credential and per-address limits. A call that authenticates counts against its credential
 * only, so one platform pushing from one address is held to the credential's (high) limit; a call
 * that does not counts against its peer address and, past the address's limit, is answered
 * RESOURCE_EXHAUSTED instead of its auth error. A peer is never refused for its address before
 * its token is compared (a cheap constant-time check): behind a proxy one address carries every
 * platform, and forgeries must not shut out the credential that is right.
 */
function createLimiters(options: IngestGrpcDeps['rateLimit']) {
  if (options === false) return undefined;
  const windowMs = options?.windowMs ?? DEFAULT_SOURCE_LIMITS.windowMs;
  const credentials = new SourceLimiter(options?.max ?? DEFAULT_SOURCE_LIMITS.perSource, windowMs);
  const addresses = new SourceLimiter(options?.maxPerAddress ?? options?.max ?? DEFAULT_SOURCE_LIMITS.perAddress, windowMs);
  const refuse = (retryAfterMs: number) => { throw new RateLimitedError(retryAfterSeconds(retryAfterMs)); };
  return {
    admit(address: string, authenticateCall: () => void): void {
      try {
        authenticateCall();
      } catch (error) {
        const decision = addresses.take(address);
        if (!decision.allowed) refuse(decision.retryAfterMs);
        throw error;
      }
      const decision = credentials.take(CREDENTIAL_SOURCE);
      if (!decision.allowed) refuse(decision.retryAfterMs);
    },
  };
}

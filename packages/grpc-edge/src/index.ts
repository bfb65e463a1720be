// The public surface of @switchboard/grpc-edge: what AgentService and QueueService share at the edge.
export { requireRole, ROLES, signToken, TokenVerifier, type Principal, type Role } from './auth.js';
export { failStream, onCallGone, serverStream, unary, type EdgeContext } from './calls.js';
export {
  aborted, check, failedPrecondition, invalid, notFound, permissionDenied, RpcError, toServiceError, unauthenticated, unavailable,
} from './errors.js';
export { addHealthAndReflection, bindGrpc, protoRoot, shutdownGrpc, type HealthAndReflectionOptions } from './server.js';
export { callRouter, type RouterAnswer } from './router-reply.js';
export { EdgeConfigError, envNumber, loadEdgeConfig, type EdgeConfig, type EdgePorts } from './edge-config.js';
export { stopOnSignals } from './stop-on-signals.js';
export { grpcChannelCredentials, grpcServerCredentials, GrpcTlsConfigError } from './tls.js';

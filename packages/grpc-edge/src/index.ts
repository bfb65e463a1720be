// The public surface of @switchboard/grpc-edge: what AgentService and QueueService share at the edge.
export {
  ALL_TEAMS, inTeams, requireDomain, requireRole, requireTeam, ROLES, signToken, TokenVerifier,
  type Principal, type Role, type TokenClaims, type TokenVerifierOptions,
} from './auth.js';
export { checkJwksUrl, DEFAULT_AUDIENCE, DEFAULT_ISSUER, loadTokenConfig, TokenConfigError, type TokenConfig } from './token-config.js';
export { failStream, onCallGone, serverStream, unary, type EdgeContext } from './calls.js';
export {
  aborted, check, failedPrecondition, invalid, notFound, permissionDenied, RpcError, toServiceError, unauthenticated, unavailable,
} from './errors.js';
export { addHealthAndReflection, bindGrpc, protoRoot, shutdownGrpc, type HealthAndReflectionOptions } from './server.js';
export { callRouter, type RouterAnswer } from './router-reply.js';
export { EdgeConfigError, envNumber, loadEdgeConfig, type EdgeConfig, type EdgePorts } from './edge-config.js';
export { stopOnSignals } from './stop-on-signals.js';
export { grpcChannelCredentials, grpcServerCredentials, GrpcTlsConfigError } from './tls.js';

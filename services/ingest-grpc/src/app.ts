export { buildIngestGrpcServer, type IngestGrpcDeps } from './server.js';
// Binding and graceful shutdown are the same for every gRPC edge.
export { bindGrpc, shutdownGrpc } from '@switchboard/grpc-edge';

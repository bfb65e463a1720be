/**
 * Semantic-convention attribute names and values used by the span helpers, in one place.
 *
 * They are copied rather than imported because the messaging and RPC names live in
 * `@opentelemetry/semantic-conventions/incubating`, which may rename them in any minor release
 * (the package's own advice is to copy). We emit the names that `@opentelemetry/instrumentation-grpc`
 * and today's trace backends read (`messaging.system`, `rpc.system`, `rpc.service`), not their
 * still-experimental successors (`messaging.system.name`, `rpc.system.name`).
 */
export const SEMCONV = {
  messagingSystem: 'messaging.system',
  messagingDestinationName: 'messaging.destination.name',
  messagingDestinationTemplate: 'messaging.destination.template',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingMessageId: 'messaging.message.id',
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  rpcGrpcStatusCode: 'rpc.grpc.status_code',
  errorType: 'error.type',
} as const;

/** Attribute values paired with {@link SEMCONV}. */
export const SEMCONV_VALUES = {
  messagingSystemNats: 'nats',
  operationTypeSend: 'send',
  operationTypeProcess: 'process',
  rpcSystemGrpc: 'grpc',
} as const;

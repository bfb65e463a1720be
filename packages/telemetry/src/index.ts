// The public surface of @switchboard/telemetry. Libraries use the logger, span and propagation
// helpers, which talk to @opentelemetry/api only and so stay no-ops until a service calls
// startTelemetry in its own instrumentation.ts (tests call startTestTelemetry). Importing this
// module loads the SDK code but registers nothing.

export { createLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export type { LogTraceFields } from './log-trace-fields.js';
export { REDACTED, redactText } from './redaction/patterns.js';
export { redactValue } from './redaction/redact-value.js';

export { failSpan, getTracer, withSpan } from './spans/with-span.js';
export type { LazyAttributes, SpanOptions } from './spans/with-span.js';
export { mayRecord } from './spans/recording.js';
export { withNatsProcessSpan, withNatsPublishSpan } from './spans/messaging.js';
export type { NatsPublishTarget, NatsSpanTarget } from './spans/messaging.js';
export { withGrpcClientSpan, withGrpcServerSpan } from './spans/rpc.js';
export type { GrpcCallTarget } from './spans/rpc.js';
export { SEMCONV, SEMCONV_VALUES } from './spans/semconv.js';

export { TRACE_HEADERS } from './propagation/header-names.js';
export type { TraceHeaderName } from './propagation/header-names.js';
export {
  extractFromNatsHeaders,
  injectIntoNatsHeaders,
  natsHeadersGetter,
  natsHeadersSetter,
} from './propagation/nats-headers.js';
export { extractFromTraceCarrier, injectIntoTraceCarrier } from './propagation/trace-carrier.js';
export type { TraceCarrier } from './propagation/trace-carrier.js';
export {
  extractFromGrpcMetadata,
  grpcMetadataGetter,
  grpcMetadataSetter,
  injectIntoGrpcMetadata,
} from './propagation/grpc-metadata.js';

export { startTelemetry } from './sdk/start-telemetry.js';
export type { Telemetry, TelemetryOptions } from './sdk/start-telemetry.js';
export { startTestTelemetry } from './sdk/test-telemetry.js';
export type { TestTelemetry } from './sdk/test-telemetry.js';
export { TELEMETRY_ERROR_CODES, TelemetryConfigError } from './errors.js';
export type { TelemetryErrorCode } from './errors.js';

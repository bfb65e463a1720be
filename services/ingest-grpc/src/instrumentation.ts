import { startTelemetry } from '@switchboard/telemetry';

/** Started before anything else so the first call is traced; flushed by main on shutdown. */
export const telemetry = startTelemetry({ service: 'ingest-grpc' });

import { startTelemetry } from '@switchboard/telemetry';

/** Started before anything else so the first request is traced; flushed by main on shutdown. */
export const telemetry = startTelemetry({ service: 'ingest-phone' });

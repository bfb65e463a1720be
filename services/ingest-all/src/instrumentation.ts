import { startTelemetry } from '@switchboard/telemetry';

/** One tracing SDK for every service of the process; started before anything else, flushed by main on shutdown. */
export const telemetry = startTelemetry({ service: 'ingest-all' });

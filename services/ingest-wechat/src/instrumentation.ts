import { startTelemetry } from '@switchboard/telemetry';

/** The tracing SDK of this process, started before anything else is imported by main. */
export const telemetry = startTelemetry({ service: 'ingest-wechat' });

// Thin wiring: the ingestion services in one process (see README, "Ingestion in one process").
// Each keeps its own ports, variables, /healthz and /readyz; they share one NATS connection, one
// logger destination, one metrics registry and this process's tracing SDK.
import { telemetry } from './instrumentation.js';
import { runIngestServices } from '@switchboard/ingest-kit';
import { selectIngestServices } from './selection.js';

await runIngestServices({ processName: 'ingest-all', services: selectIngestServices(process.env), telemetry });

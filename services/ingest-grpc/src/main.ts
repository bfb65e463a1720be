// Thin wiring: the service alone in its process. Its wiring is startGrpcIngest (index.ts).
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { grpcIngestService } from './index.js';

await runIngestService({ ...grpcIngestService, telemetry });

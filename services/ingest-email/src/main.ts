// Thin wiring: the service alone in its process. Its wiring is startEmailIngest (index.ts).
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { emailIngestService } from './index.js';

await runIngestService({ ...emailIngestService, telemetry });

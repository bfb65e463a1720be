// Thin wiring: the service alone in its process. Its wiring is startPhoneIngest (index.ts).
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { phoneIngestService } from './index.js';

await runIngestService({ ...phoneIngestService, telemetry });

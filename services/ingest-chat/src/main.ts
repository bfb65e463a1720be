// Thin wiring: the service alone in its process. Its wiring is startChatIngest (index.ts); the
// routes are in app.ts.
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { chatIngestService } from './index.js';

await runIngestService({ ...chatIngestService, telemetry });

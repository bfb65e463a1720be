// Thin wiring: the service alone in its process. Its wiring is startWeChatIngest (index.ts); the
// routes are in app.ts.
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { wechatIngestService } from './index.js';

await runIngestService({ ...wechatIngestService, telemetry });

import { telemetry } from './instrumentation.js';
import { createLogger } from '@switchboard/telemetry';
import { redisSettingsFromEnv } from '@switchboard/state';
import { loadOpsConfig } from './config.js';
import { startOps } from './start-ops.js';

const logger = createLogger({ service: 'ops', level: process.env.LOG_LEVEL ?? 'info' });
const ops = await startOps({ config: loadOpsConfig(process.env), logger, redisSettings: redisSettingsFromEnv(process.env) });

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    void ops.stop().then(() => telemetry.shutdown()).then(() => process.exit(0));
  });
}

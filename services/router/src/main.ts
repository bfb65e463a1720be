import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createMetricsRegistry, metricsHandler } from '@switchboard/metrics';
import { createLogger, startTelemetry } from '@switchboard/telemetry';
import { loadRuleSet } from './rules/classify.js';
import { redisSettingsFromEnv } from '@switchboard/state';
import { readSecretEnv } from '@switchboard/bus';
import { linkRulesOf } from './customers/identifiers.js';
import { CommandVerifier } from '@switchboard/router-api';
import { startRouter } from './start-router.js';
import { DEFAULT_CHECKPOINT_POLICY } from './worker/checkpointer.js';

const telemetry = startTelemetry({ service: 'router' });
const logger = createLogger({ service: 'router', level: process.env.LOG_LEVEL ?? 'info' });
const env = process.env;
const metrics = createMetricsRegistry({ service: 'router' });
const serveMetrics = metricsHandler(metrics);
/** A positive integer from the environment, or the default; a bad value stops the start with its name. */
function positiveInt(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
const rulesFile = env.ROUTER_RULES_FILE ?? fileURLToPath(new URL('../config/routing-rules.json', import.meta.url));

// Fail closed: a router without any sender's key would refuse every command, so it does not start.
const commandVerifier = CommandVerifier.fromEnv(env);
// One customer across channels: identifiers are kept only as HMACs keyed with this secret.
const customerKeySecret = readSecretEnv(env, 'CUSTOMER_KEY_SECRET');
if (!customerKeySecret) logger.warn('CUSTOMER_KEY_SECRET not set: customer identity across channels is off');
const router = await startRouter({
  ...(customerKeySecret ? { customers: { secret: customerKeySecret, rules: linkRulesOf(env.CUSTOMER_LINK_RULES) } } : {}),
  commandVerifier,
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  redisSettings: redisSettingsFromEnv(env),
  domains: (env.ROUTER_DOMAINS ?? 'default').split(',').map((d) => d.trim()).filter(Boolean),
  rules: loadRuleSet(rulesFile),
  logger,
  ...(env.ROUTER_REPLICA_ID ? { replicaId: env.ROUTER_REPLICA_ID } : {}),
  ...(env.ROUTER_LEASE_TTL_MS ? { leaseTtlMs: positiveInt('ROUTER_LEASE_TTL_MS', 3_000) } : {}),
  ...(env.SB_SUBJECT_ROOT ? { names: {
    contactsStream: env.SB_CONTACTS_STREAM ?? 'CONTACTS',
    routingStream: env.SB_ROUTING_STREAM ?? 'ROUTING',
    deadLetterStream: env.SB_DEADLETTER_STREAM ?? 'DEADLETTER',
    subjectRoot: env.SB_SUBJECT_ROOT,
  } } : {}),
  ...(env.SB_REDIS_PREFIX ? { keyPrefix: env.SB_REDIS_PREFIX } : {}),
  checkpointPolicy: {
    everyCommands: positiveInt('ROUTER_CHECKPOINT_EVERY_COMMANDS', DEFAULT_CHECKPOINT_POLICY.everyCommands),
    intervalMs: positiveInt('ROUTER_CHECKPOINT_INTERVAL_MS', DEFAULT_CHECKPOINT_POLICY.intervalMs),
  },
  ...(env.ROUTER_STREAM_USAGE_INTERVAL_MS ? { streamUsageIntervalMs: positiveInt('ROUTER_STREAM_USAGE_INTERVAL_MS', 30_000) } : {}),
  metrics,
});

// Liveness and readiness for orchestrators: ready = NATS and Redis links are up. Prometheus
// scrapes /metrics on the same port.
const health = createServer((req, res) => {
  if (req.url === '/metrics') return void serveMetrics(req, res);
  const ok = req.url === '/healthz' || (req.url === '/readyz' && router.ready());
  res.writeHead(req.url === '/healthz' || req.url === '/readyz' ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok, domains: router.replica.ownedDomains(), following: router.replica.followedPositions() }));
});
health.listen(Number(env.ROUTER_HTTP_PORT ?? 7401), env.ROUTER_HTTP_HOST ?? '127.0.0.1');
logger.info({ rulesFile, port: Number(env.ROUTER_HTTP_PORT ?? 7401), commandSenders: commandVerifier.senders }, 'router started');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    health.close();
    void router.stop().then(() => telemetry.shutdown()).then(() => process.exit(0));
  });
}

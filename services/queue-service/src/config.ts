import { loadSecretFiles } from '@switchboard/bus';
import { EdgeConfigError, envNumber, loadEdgeConfig, type EdgeConfig } from '@switchboard/grpc-edge';

/**
 * The queue service's settings, from the environment (`QUEUE_SERVICE_PORT`, default 7202; `/metrics` on `QUEUE_SERVICE_HTTP_PORT`, 7212;
 * `SWITCHBOARD_DOMAIN` is the domain of requests that name none).
 */
export interface QueueServiceConfig extends EdgeConfig {
  /** `QUEUE_DEFAULT_HANDLE_SECONDS`, default 180: the cycle assumed before a queue has history. */
  readonly defaultCycleSeconds: number;
  /** `QUEUE_RATE_WINDOW_SECONDS`, default 900: the window of the live rates. */
  readonly rateWindowSeconds: number;
  /** `QUEUE_ANNOUNCE_TICK_SECONDS`, default 5: how often the announcer looks for customers due a position notice. */
  readonly announceTickSeconds: number;
  /** `QUEUE_SURGE_INTERVAL_SECONDS`, default 30: how often the surge forecast predicts each auto queue. */
  readonly surgeIntervalSeconds: number;
  /** `CUSTOMER_KEY_SECRET` (the router's): CustomerService is served only with it. */
  readonly customerKeySecret?: string;
}

/** A setting is unusable: the service refuses to start and says which. */
export { EdgeConfigError as QueueServiceConfigError };

/** The secrets it reads; each may come as `NAME_FILE` (a mounted file, as the deployments give it). */
export const QUEUE_SERVICE_SECRETS = ['SWITCHBOARD_JWT_SECRET', 'CUSTOMER_KEY_SECRET'] as const;

/**
 * Reads the environment, first each `NAME_FILE` of {@link QUEUE_SERVICE_SECRETS} into `NAME`.
 * @throws QueueServiceConfigError; SecretEnvError for a secret's file.
 */
export function loadQueueServiceConfig(env: NodeJS.ProcessEnv): QueueServiceConfig {
  loadSecretFiles(env, QUEUE_SERVICE_SECRETS);
  return {
    ...loadEdgeConfig(env, { variable: 'QUEUE_SERVICE_PORT', fallback: 7202, httpVariable: 'QUEUE_SERVICE_HTTP_PORT', httpFallback: 7212 }),
    defaultCycleSeconds: envNumber(env, 'QUEUE_DEFAULT_HANDLE_SECONDS', 180, 1, 86_400),
    rateWindowSeconds: envNumber(env, 'QUEUE_RATE_WINDOW_SECONDS', 900, 10, 86_400),
    announceTickSeconds: envNumber(env, 'QUEUE_ANNOUNCE_TICK_SECONDS', 5, 1, 600),
    surgeIntervalSeconds: envNumber(env, 'QUEUE_SURGE_INTERVAL_SECONDS', 30, 5, 3_600),
    ...(env.CUSTOMER_KEY_SECRET ? { customerKeySecret: env.CUSTOMER_KEY_SECRET } : {}),
  };
}

import { fileURLToPath } from 'node:url';
import { loadSecretFiles } from '@switchboard/bus';
import { EdgeConfigError, envNumber, loadEdgeConfig, type EdgeConfig } from '@switchboard/grpc-edge';

/** The agent gateway's settings, from the environment (`AGENT_GATEWAY_PORT`, default 7201; `/metrics` on `AGENT_GATEWAY_HTTP_PORT`, 7211). */
export interface GatewayConfig extends EdgeConfig {
  /** `AGENT_GRACE_SECONDS`, default 15: a desktop silent this long is signed out. */
  readonly graceSeconds: number;
  /** `AGENT_HEARTBEAT_SECONDS`, default 5: how often desktops are asked to heartbeat. */
  readonly heartbeatSeconds: number;
  /** `AGENT_DIRECTORY_FILE`, default config/agents.json of this service. */
  readonly directoryFile: string;
}

/** A setting is unusable: the service refuses to start and says which. */
export { EdgeConfigError as GatewayConfigError };

/** The secrets it reads; each may come as `NAME_FILE` (a mounted file, as the deployments give it). */
export const GATEWAY_SECRETS = ['SWITCHBOARD_JWT_SECRET'] as const;

/**
 * Reads the environment, first each `NAME_FILE` of {@link GATEWAY_SECRETS} into `NAME`.
 * @throws GatewayConfigError for a missing secret or a bad number; SecretEnvError for a secret's file.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  loadSecretFiles(env, GATEWAY_SECRETS);
  return {
    ...loadEdgeConfig(env, { variable: 'AGENT_GATEWAY_PORT', fallback: 7201, httpVariable: 'AGENT_GATEWAY_HTTP_PORT', httpFallback: 7211 }),
    graceSeconds: envNumber(env, 'AGENT_GRACE_SECONDS', 15, 0.1, 3_600),
    heartbeatSeconds: envNumber(env, 'AGENT_HEARTBEAT_SECONDS', 5, 0.1, 600),
    directoryFile: env.AGENT_DIRECTORY_FILE || fileURLToPath(new URL('../config/agents.json', import.meta.url)),
  };
}

import { fileURLToPath } from 'node:url';
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

/** Reads the environment. @throws GatewayConfigError for a missing secret or a bad number. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return {
    ...loadEdgeConfig(env, { variable: 'AGENT_GATEWAY_PORT', fallback: 7201, httpVariable: 'AGENT_GATEWAY_HTTP_PORT', httpFallback: 7211 }),
    graceSeconds: envNumber(env, 'AGENT_GRACE_SECONDS', 15, 0.1, 3_600),
    heartbeatSeconds: envNumber(env, 'AGENT_HEARTBEAT_SECONDS', 5, 0.1, 600),
    directoryFile: env.AGENT_DIRECTORY_FILE || fileURLToPath(new URL('../config/agents.json', import.meta.url)),
  };
}

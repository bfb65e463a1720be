// The public surface of @switchboard/agent-gateway: the factory tests and the launcher start.
export { AGENT_SERVICE, startAgentGateway, type AgentGatewayOptions, type RunningAgentGateway } from './app.js';
export { GATEWAY_SECRETS, GatewayConfigError, loadGatewayConfig, type GatewayConfig } from './config.js';
export { AgentDirectory, DirectoryError, directorySchema, type DirectoryEntry } from './directory.js';
export type { ContextLookup } from './desk-hub.js';

// The public surface of @switchboard/ops: starting it in-process (tests, the launcher) and its config.
export { loadOpsConfig, OPS_SECRETS, OpsConfigError, type OpsConfig } from './config.js';
export { startOps, type RunningOps, type StartOpsOptions } from './start-ops.js';
export type { OpsEdges } from './actions/edge-clients.js';
export { OPS_ERROR_CODES, OpsError, type OpsErrorCode } from './errors.js';
export { coreEventFromProto } from './mapping/core-event.mapper.js';

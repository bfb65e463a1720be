export { agentEventsOf, type AgentEvent } from './agent-notification.js';
export { routerSubjects } from './subjects.js';
export {
  decodeApplied, encodeApplied, isSignIn, type AppliedRecord,
} from './applied-record.js';
export { agentProfileSchema, commandRequestSchema, commandSchema, queryRequestSchema } from './command-schema.js';
export {
  COMMAND_HEADERS, COMMAND_SENDER_NAMES, COMMAND_SENDERS, COMMAND_SIGNATURE_WINDOW_MS, CommandKeyError, commandKeyVariable, CommandSigner, CommandVerifier,
  MIN_COMMAND_KEY_LENGTH, type CommandSender, type SenderCheck,
} from './command-auth.js';
export { RouterClient, type RouterReply } from './router-client.js';
export { queueSchema, skillRequirementSchema } from './queue-schema.js';
export {
  batchMayHold, batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, readRoutingBatch, ROUTING_BATCH, routingEventsOf, routingEventType, type ReadBatch,
} from './routing-batch.js';
export { surveyPolicyFromProto, surveyPolicyToProto } from './survey-wire.js';
export {
  callbackPolicyFromProto, customerActionFromProto, customerActionToProto, hoursFromProto, hoursToProto, surgePolicyFromProto,
} from './customer-wire.js';

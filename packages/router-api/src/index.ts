export { routerSubjects } from './subjects.js';
export {
  APPLIED_EVENT, appliedMsgId, decodeApplied, encodeApplied, eventMsgId, isSignIn, type AppliedRecord,
} from './applied-record.js';
export { agentProfileSchema, commandRequestSchema, commandSchema, queryRequestSchema } from './command-schema.js';
export { RouterClient, type RouterReply } from './router-client.js';
export { queueSchema, skillRequirementSchema } from './queue-schema.js';

export { loadRuleSet, ruleSetFrom, RulesFileError, type Classification, type ContactFacts, type RuleSet } from './rules/classify.js';
export { startRouter, type RouterOptions, type RunningRouter } from './start-router.js';
export { RouterReplica, type ReplicaOptions } from './replica.js';
export { decodeApplied, type AppliedRecord } from '@switchboard/router-api';
export { eventToProto } from './mapping/event.mapper.js';

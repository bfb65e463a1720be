export { domainKeys, type DomainKeys } from './keys.js';
export {
  DomainStore,
  newEpochId,
  type BatchCommitResult,
  type CommitResult,
  type Lease,
  type LogEntry,
  type OutboxEntry,
  type PendingOutbox,
  type StoredCheckpoint,
  type TimerEntry,
  type Transition,
} from './domain-store.js';
export { createRedis, DEFAULT_REDIS_URL, RedisConfigError, redisSettingsFromEnv, type RedisSettings } from './redis-connection.js';
export {
  aclPasswordHash, opsKeyPrefix, REDIS_USERS, redisAclRules, renderRedisAcl, renderRedisAclTemplate,
  type RedisAclRule, type RedisUser, type RenderRedisAclOptions,
} from './redis-acl.js';
export {
  COUNTED_BATCH_TTL_SECONDS, QUEUE_INTERVAL_RETENTION_DAYS, QueueIntervalStore,
  type QueueIntervalCounters, type QueueIntervalDelta, type QueueIntervalStoreOptions,
} from './queue-interval-store.js';
export {
  CustomerKeySecretError, CustomerStore, customerKeyPrefix, DEFAULT_CUSTOMER_RETENTION, IDENTIFIER_KINDS,
  type CustomerArrival, type CustomerFact, type CustomerIdentifier, type CustomerRetention, type IdentifierKind, type RecentContact, type ResolvedCustomer,
} from './customer-store.js';
export {
  AgentPerformanceStore,
  type AgentBucketCounters, type AgentBucketResolution, type AgentPerformanceCheckpoint, type AgentPerformanceStoreOptions,
} from './agent-performance-store.js';
export { QaReviewList, type QaReviewBounds, type QaReviewEntry } from './qa-review-list.js';

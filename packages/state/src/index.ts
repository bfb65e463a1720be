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

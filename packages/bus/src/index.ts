export { connectBus, type BusConnectionOptions } from './connection.js';
export {
  consumeDurable,
  ensureDurable,
  backoffMs,
  settle,
  type DurableConsumer,
  type DurableConsumerOptions,
  type Settlement,
} from './consumer.js';
export { BusUnavailableError, PoisonMessageError } from './errors.js';
export {
  DEFAULT_BUS_NAMES,
  Headers,
  agentSubject,
  chatSessionSubject,
  customerSubject,
  assertSubjectToken,
  contactsSubject,
  deadLetterSubject,
  routingSubject,
  streamSubjects,
  type BusNames,
} from './names.js';
export { publishDurable, type Published, type PublishOptions } from './publisher.js';
export { DEFAULT_STREAM_LIMITS, MIN_DEDUP_WINDOW_MS, ensureStreams, streamConfigs, streamLimitsFromEnv, type StreamLimits } from './streams.js';
export { readSubject } from './read-subject.js';
export { CheckpointArchive, checkpointBucket, type ArchivedCheckpoint, type CheckpointMeta } from './checkpoint-archive.js';
export { busAuthFromEnv, inboxPrefixOf } from './connection.js';
export { loadSecretFiles, readSecretEnv, SecretEnvError } from './secret-env.js';
export {
  BUS_SERVICES, deploymentAuthorization, passwordVariable, renderNatsAuthorization, servicePermissions,
  type BusService, type NatsPermissions, type NatsUserEntry,
} from './nats-permissions.js';

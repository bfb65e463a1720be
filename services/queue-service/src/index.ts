// The public surface of @switchboard/queue-service: the factory tests and the launcher start.
export { QUEUE_SERVICE, startQueueService, type QueueServiceOptions, type RunningQueueService } from './app.js';
export { loadQueueServiceConfig, QUEUE_SERVICE_SECRETS, QueueServiceConfigError, type QueueServiceConfig } from './config.js';
export { estimateWaitSeconds, servingSlots } from './estimate.js';

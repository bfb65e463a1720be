import type { RouterClient } from '@switchboard/router-api';
import type { EdgeContext } from '@switchboard/grpc-edge';
import type { ContactPublisher } from '@switchboard/ingest-kit';
import type { QaReviewList } from '@switchboard/state';
import type { Logger } from '@switchboard/telemetry';
import type { LiveRates } from './live-rates.js';
import type { QueueStore } from './queue-store.js';

/** What the QueueService handlers share. */
export interface QueueServiceDeps {
  readonly edge: EdgeContext;
  readonly logger: Logger;
  /** The domain of requests that leave `domain` empty. */
  readonly defaultDomain: string;
  /** The router client of a domain (one per domain, reused). */
  router(domain: string): RouterClient;
  readonly store: QueueStore;
  /** A domain's QA review list (ops keeps it from ROUTING; this service only reads an entry to score it). */
  reviews(domain: string): QaReviewList;
  readonly rates: LiveRates;
  readonly publisher: ContactPublisher;
  /** Cycle time assumed before any contact of a queue was handled (`QUEUE_DEFAULT_HANDLE_SECONDS`). */
  readonly defaultCycleSeconds: number;
  readonly now: () => number;
}

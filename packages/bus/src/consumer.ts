import {
  AckPolicy,
  DeliverPolicy,
  headers as natsHeaders,
  nanos,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { Logger } from 'pino';
import { PoisonMessageError } from './errors.js';
import { deadLetterSubject, Headers, type BusNames } from './names.js';

/** What a handler decided for one message. */
export type Settlement =
  | { readonly kind: 'ack' }
  /** Try again later (a dependency is down): redelivered after `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Never processable: moved to the dead-letter stream and terminated. */
  | { readonly kind: 'poison'; readonly reason: string };

export const settle = {
  ack: { kind: 'ack' } as Settlement,
  retry: (delayMs: number): Settlement => ({ kind: 'retry', delayMs }),
  poison: (reason: string): Settlement => ({ kind: 'poison', reason }),
} as const;

export interface DurableConsumerOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject?: string;
  /** How long the server waits for an ack before redelivering; `working()` extends it. */
  readonly ackWaitMs?: number;
  /** Deliveries before a message is treated as poison. */
  readonly maxDeliver?: number;
  readonly maxAckPending?: number;
  /** Messages pulled per request. */
  readonly batch?: number;
  /**
   * Messages handled at once (default 1). Handlers start in delivery order, so a handler that
   * hands work to an ordered queue synchronously keeps the stream's order.
   */
  readonly concurrency?: number;
  readonly logger: Logger;
  readonly handle: (msg: JsMsg) => Promise<Settlement>;
}

/** A running durable pull consumer. */
export interface DurableConsumer {
  stop(): Promise<void>;
  /** Resolves when the consume loop has ended. */
  readonly done: Promise<void>;
}

/**
 * Creates the durable consumer (explicit ack, from the start of the stream) or updates its
 * configuration. An update leaves the deliver policy as it was (the server refuses to change it);
 * a durable whose filter subject changed is moved instead ({@link refilterDurable}).
 */
export async function ensureDurable(options: DurableConsumerOptions): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    // One more than our own limit: we dead-letter on the last delivery ourselves, so the
    // server's cap is only a backstop.
    max_deliver: (options.maxDeliver ?? 5) + 1,
    max_ack_pending: options.maxAckPending ?? 10_000,
    ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
  };
  const existing = await options.jsm.consumers.info(options.stream, options.durable).catch(() => undefined);
  if (!existing) await options.jsm.consumers.add(options.stream, { ...config, deliver_policy: DeliverPolicy.All });
  else if (options.filterSubject && existing.config.filter_subject !== options.filterSubject) await refilterDurable(options, existing, config);
  else await options.jsm.consumers.update(options.stream, options.durable, config);
}

/**
 * Moves a durable to a new filter subject by re-creating it from its ack floor rather than
 * updating it: nats-server 2.9 (the deployment baseline) takes a new filter on update but then
 * never wakes a waiting pull for messages on it. Messages past the floor not yet acked come again
 * (at least once, as always); messages of the old filter not yet acked are not delivered any more.
 * A replica starting alongside may move it too: deleting a durable already gone is fine, and the
 * same configuration added twice is one consumer.
 */
async function refilterDurable(options: DurableConsumerOptions, existing: ConsumerInfo, config: Partial<ConsumerConfig>): Promise<void> {
  options.logger.info({ durable: options.durable, from: existing.config.filter_subject, to: options.filterSubject, fromSeq: existing.ack_floor.stream_seq + 1 }, 'durable consumer moved to a new filter subject');
  await options.jsm.consumers.delete(options.stream, options.durable).catch(() => false);
  await options.jsm.consumers.add(options.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: existing.ack_floor.stream_seq + 1 });
}

/**
 * Consumes a durable pull consumer until stopped. Long handlers are kept alive with `working()`;
 * a handler that throws is retried with backoff until `maxDeliver`, then dead-lettered.
 */
export async function consumeDurable(options: DurableConsumerOptions): Promise<DurableConsumer> {
  await ensureDurable(options);
  const consumer = await options.js.consumers.get(options.stream, options.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: options.batch ?? 256 });
  const maxDeliver = options.maxDeliver ?? 5;
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const done = (async () => {
    const inFlight = new Set<Promise<void>>();
    for await (const msg of messages) {
      const work: Promise<void> = processOne(msg, options, maxDeliver, ackWaitMs).finally(() => inFlight.delete(work));
      inFlight.add(work);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  return {
    done,
    stop: async () => {
      await messages.close();
      await done;
    },
  };
}

async function processOne(msg: JsMsg, options: DurableConsumerOptions, maxDeliver: number, ackWaitMs: number): Promise<void> {
  const keepAlive = setInterval(() => msg.working(), Math.max(1_000, ackWaitMs / 3));
  let outcome: Settlement;
  try {
    outcome = await options.handle(msg);
  } catch (error) {
    outcome = error instanceof PoisonMessageError
      ? settle.poison(error.message)
      : settle.retry(backoffMs(msg.info.redeliveryCount));
    if (outcome.kind === 'retry') {
      options.logger.warn({ err: error, subject: msg.subject, deliveries: msg.info.redeliveryCount }, 'handler failed; will retry');
    }
  } finally {
    clearInterval(keepAlive);
  }
  if (outcome.kind === 'retry' && msg.info.redeliveryCount >= maxDeliver) {
    outcome = settle.poison(`gave up after ${msg.info.redeliveryCount} deliveries`);
  }
  if (outcome.kind === 'ack') await msg.ackAck().catch((error: unknown) => options.logger.warn({ err: error }, 'ack not confirmed; redelivery will be deduplicated'));
  else if (outcome.kind === 'retry') msg.nak(outcome.delayMs);
  else await deadLetter(msg, options, outcome.reason);
}

/** Exponential backoff for retries: 250 ms, 500 ms, 1 s ... capped at 15 s. */
export function backoffMs(deliveries: number): number {
  return Math.min(15_000, 250 * 2 ** Math.max(0, deliveries - 1));
}

async function deadLetter(msg: JsMsg, options: DurableConsumerOptions, reason: string): Promise<void> {
  const h = natsHeaders();
  for (const [key, values] of msg.headers ?? []) for (const value of values) h.append(key, value);
  h.set(Headers.deadLetterReason, reason.slice(0, 512));
  h.set(Headers.originalSubject, msg.subject);
  h.set(Headers.originalStream, msg.info.stream);
  h.set(Headers.originalSequence, String(msg.info.streamSequence));
  h.set(Headers.deliveries, String(msg.info.redeliveryCount));
  h.delete(Headers.msgId);
  try {
    await options.js.publish(deadLetterSubject(options.names, msg.info.stream), msg.data, {
      headers: h,
      msgID: `${msg.info.stream}:${msg.info.streamSequence}`,
    });
  } catch (error) {
    // Without a dead-letter copy, terminating would lose the message: let it redeliver instead.
    options.logger.error({ err: error, subject: msg.subject }, 'dead-letter publish failed; message kept');
    msg.nak(backoffMs(msg.info.redeliveryCount));
    return;
  }
  msg.term();
  options.logger.error({ subject: msg.subject, seq: msg.info.streamSequence, reason }, 'poison message dead-lettered');
}

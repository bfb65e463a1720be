import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';

/**
 * Reads every message of one subject in a stream, in stream order, through a short-lived
 * ephemeral consumer (nats-server 2.9 has no multi-filter ordered consumers). For rebuilds and
 * audits, not for the hot path.
 */
export async function* readSubject(
  js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string, options: { sinceMs?: number; startSeq?: number } = {},
): AsyncGenerator<JsMsg> {
  const info = await jsm.consumers.add(stream, {
    filter_subject: subject,
    ack_policy: AckPolicy.None,
    inactive_threshold: 30_000_000_000,
    // From a stream sequence, a point in time (JetStream's own timestamps), or the whole history.
    ...(options.startSeq !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, options.startSeq) }
      : options.sinceMs === undefined
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(Math.max(0, options.sinceMs)).toISOString() }),
  });
  try {
    const consumer = await js.consumers.get(stream, info.name);
    let pending = info.num_pending;
    while (pending > 0) {
      let got = 0;
      for await (const msg of await consumer.fetch({ max_messages: Math.min(pending, 2_000), expires: 2_000 })) {
        got++;
        pending = msg.info.pending;
        yield msg;
      }
      if (got === 0) break;
    }
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  }
}

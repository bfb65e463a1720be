import { describe, expect, it } from 'vitest';
import { Channel, RoutingEvent } from '@switchboard/contracts';
import { LiveRates, MAX_SAMPLES_PER_KIND } from './live-rates.js';

const WINDOW = 60_000;
/** Only the fields an event sets; fromPartial fills in the rest. */
type EventBody = Record<string, unknown>;

function rig() {
  let now = 1_000_000;
  const rates = new LiveRates(WINDOW, () => now);
  const add = (contactId: string, body: EventBody, queueId = 'q') =>
    rates.add(RoutingEvent.fromPartial({ domain: 'd', contactId, queueId, channel: Channel.CHANNEL_CHAT, occurredAt: new Date(now), ...body } as Partial<RoutingEvent>));
  return { rates, add, advance: (ms: number) => { now += ms; } };
}

describe('live rates keep what live contacts and the window need, never history', () => {
  it('forgets each contact hold when the hold ends, however it ends', () => {
    const { rates, add } = rig();
    const endings: EventBody[] = [
      { wrapUpEnded: { wrapUpSeconds: 5 } }, { abandoned: { fromState: 'OFFERED', waitSeconds: 4 } }, { expired: { waitSeconds: 60 } },
      { rejected: { reason: 'QUEUE_FULL' } }, { transferred: { toQueueId: 'other' } },
    ];
    for (let i = 0; i < 500; i++) {
      add(`c${i}`, { offered: { reservationToken: 1 } });
      if (i % 3 === 0) add(`c${i}`, { declined: { reservationToken: 1, reason: 'busy' } }); // back to its queue, then offered again
      if (i % 3 === 0) add(`c${i}`, { offered: { reservationToken: 2 } });
      add(`c${i}`, { accepted: { reservationToken: 1, waitSeconds: 2 } });
    }
    expect(rates.sizes().heldContacts).toBe(500);
    for (let i = 0; i < 500; i++) add(`c${i}`, endings[i % endings.length]!);
    expect(rates.sizes().heldContacts).toBe(0);
    expect(rates.held('d', 'c1')).toBeUndefined();
  });

  it('caps the samples of a queue nobody reads under ten times the cap of events', () => {
    const { rates, add, advance } = rig();
    for (let i = 0; i < 10 * MAX_SAMPLES_PER_KIND; i++) {
      add(`c${i}`, { offered: { reservationToken: 1 } });
      add(`c${i}`, { accepted: { reservationToken: 1, waitSeconds: 1 } });
      add(`c${i}`, { wrapUpEnded: { wrapUpSeconds: 1 } });
      add(`x${i}`, { abandoned: { fromState: 'QUEUED', waitSeconds: 9 } });
      advance(1); // all within the window
    }
    expect(rates.sizes().samples).toBe(3 * MAX_SAMPLES_PER_KIND);
    expect(rates.recentCycles('d', 'q', 10 * MAX_SAMPLES_PER_KIND)).toHaveLength(MAX_SAMPLES_PER_KIND);
  });

  it('drops samples past the window, and queues left without any, though nobody reads them', () => {
    const { rates, add, advance } = rig();
    for (let q = 0; q < 50; q++) add(`c${q}`, { accepted: { reservationToken: 1, waitSeconds: 1 } }, `queue-${q}`);
    expect(rates.sizes()).toMatchObject({ queues: 50, samples: 50 });
    advance(WINDOW + 1);
    add('late', { accepted: { reservationToken: 1, waitSeconds: 1 } }, 'queue-0');
    expect(rates.sizes()).toMatchObject({ queues: 1, samples: 1 });
    // Reading a queue without samples stores nothing.
    expect(rates.rates('d', 'never-seen', 20)).toMatchObject({ serviceLevel: 1, asaSeconds: 0 });
    expect(rates.sizes().queues).toBe(1);
  });

  it('counts a live arrival (the channel stamps arrived_at, the router enqueued_at, apart), once per contact, and forgets it with the window', () => {
    const { rates, add, advance } = rig();
    for (let i = 0; i < 10; i++) {
      const enqueuedAt = new Date(1_000_000 + i * 1_000);
      add(`c${i}`, { arrivedAt: new Date(enqueuedAt.getTime() - 7), enqueuedAt, queued: { position: 1 } });
      if (i % 2 === 0) add(`c${i}`, { arrivedAt: new Date(enqueuedAt.getTime() - 7), enqueuedAt, queued: { position: 2 } }); // queued again (after a decline)
      add(`c${i}`, { arrivedAt: new Date(enqueuedAt.getTime() - 7), enqueuedAt: new Date(enqueuedAt.getTime() + 30_000), queued: { position: 1 } }, 'other'); // overflowed
      advance(1_000);
    }
    const q = rates.rates('d', 'q', 20);
    expect(q.arrivalsPerSecond).toBeCloseTo(10 / 10, 5);
    expect(rates.rates('d', 'other', 20).arrivalsPerSecond).toBe(0);
    advance(2 * WINDOW);
    add('late', { queued: { position: 1 } });
    expect(rates.sizes().samples).toBeLessThanOrEqual(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTestNats, createTestScope, type TestNats, type TestScope } from '@switchboard/testkit';
import { CheckpointArchive, checkpointBucket, type CheckpointMeta } from './checkpoint-archive.js';
import type { BusNames } from './names.js';

describe('checkpoint archive on real JetStream', () => {
  let scope: TestScope;
  let nats: TestNats;
  let names: BusNames;
  beforeEach(async () => {
    scope = createTestScope('archive');
    nats = await connectTestNats(scope);
    names = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  });
  afterEach(() => nats.cleanup());

  const meta = (position: number, domain = 'd1'): CheckpointMeta => ({ domain, epoch: 'e1', position, takenAtMs: position * 10, format: 1, routingTailAfterSeq: position });

  it('keeps the newest two checkpoints per domain, newest first, in two objects whatever the number written', async () => {
    const archive = await CheckpointArchive.open(nats.js, names);
    // Larger than one chunk (128 KiB), so a put spans several messages.
    const big = (n: number) => new Uint8Array(300_000).fill(n);
    for (const position of [1, 2, 3, 4, 5]) await archive.put(meta(position), big(position));
    await archive.put(meta(7, 'd2'), big(7));
    expect((await archive.list('d1')).map((m) => m.position)).toEqual([5, 4]);
    const read = [];
    for await (const c of archive.read('d1')) read.push({ position: c.meta.position, first: c.data[0], size: c.data.length });
    expect(read).toEqual([{ position: 5, first: 5, size: 300_000 }, { position: 4, first: 4, size: 300_000 }]);
    expect((await archive.list('d2')).map((m) => m.position)).toEqual([7]);
    expect(await archive.list('none')).toEqual([]);
    // Bounded: the bucket holds two objects for d1 and one for d2, not one per checkpoint written.
    const os = await nats.js.views.os(checkpointBucket(names));
    const names_ = (await os.list()).filter((o) => !o.deleted).map((o) => o.name).sort();
    expect(names_).toEqual(['d1/a', 'd1/b', 'd2/a']);
    const status = await os.status();
    expect(status.size).toBeLessThan(4 * 300_000);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '@switchboard/routing-core';
import { CHECKPOINT_FORMAT, READABLE_CHECKPOINT_FORMATS, decodeCheckpoint } from './checkpoint.mapper.js';
import { fixtureCheckpoint } from './checkpoint-fixture.js';

const dir = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => /^checkpoint-format-\d+\.bin$/.test(f));
const formatOf = (file: string) => Number(/(\d+)\.bin$/.exec(file)![1]);

describe('checkpoints written by earlier routers (kept fixtures)', () => {
  it('keeps a fixture of the current format and of the one before it, and reads both', () => {
    const kept = fixtures.map(formatOf);
    expect(kept).toContain(CHECKPOINT_FORMAT);
    // Format 1 is the first: once format 2 exists, format 1's file is the previous version's.
    if (CHECKPOINT_FORMAT > 1) expect(kept).toContain(CHECKPOINT_FORMAT - 1);
    for (const format of kept.filter((f) => f >= CHECKPOINT_FORMAT - 1)) expect(READABLE_CHECKPOINT_FORMATS).toContain(format);
  });

  it.each(fixtures)('%s restores the state it was written from, and the restored engine routes on', (file) => {
    const decoded = decodeCheckpoint(readFileSync(`${dir}${file}`));
    const { content, engine } = fixtureCheckpoint();
    // The fixture's state is rebuilt by today's code; a format's reader must give the same state,
    // except for handle-limit timers (newer than format 1's file), which opening the domain adds
    // for every open connection: with them, the timers are the same too.
    const restored = RoutingEngine.restore(engine.config, decoded.engine);
    expect({ ...decoded, timers: [] }).toEqual({ ...content, timers: [] });
    const ids = (timers: readonly { id: string }[]) => [...new Set(timers.map((t) => t.id))].sort();
    expect(ids([...decoded.timers, ...restored.connectionLimitTimers()])).toEqual(ids(content.timers));
    expect(restored.waitingContacts('general').map((c) => c.id)).toEqual(engine.waitingContacts('general').map((c) => c.id));
    const next = restored.apply({ type: 'SET_PRESENCE', agentId: 'a3', presence: 'AVAILABLE' }, decoded.lastNowMs + 1_000);
    expect(next.events).toEqual(engine.apply({ type: 'SET_PRESENCE', agentId: 'a3', presence: 'AVAILABLE' }, decoded.lastNowMs + 1_000).events);
    expect(next.events.some((e) => e.type === 'ContactOffered')).toBe(true);
  });
});

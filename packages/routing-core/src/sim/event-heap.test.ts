import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from './event-heap.js';

describe('EventHeap', () => {
  it('pops in time order, ties in insertion order (any interleaving of push and pop)', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { maxLength: 200 }), (ops) => {
      const heap = new EventHeap<number>();
      const model: { time: number; id: number }[] = [];
      let id = 0;
      for (const op of ops) {
        if (op === undefined) {
          model.sort((a, b) => a.time - b.time || a.id - b.id);
          const expected = model.shift();
          const got = heap.pop();
          expect(got?.item).toBe(expected?.id);
        } else {
          heap.push(op, id);
          model.push({ time: op, id });
          id++;
        }
        expect(heap.size).toBe(model.length);
      }
    }));
  });

  it('rejects NaN times, which would corrupt the order silently', () => {
    expect(() => new EventHeap<number>().push(NaN, 1)).toThrow(/NaN/);
  });
});

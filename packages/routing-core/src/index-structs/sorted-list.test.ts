import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedList } from './sorted-list.js';

const byNumber = (a: number, b: number): number => a - b;

describe('SortedList', () => {
  it('matches a sorted array model under random adds and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 3000 }), (ops) => {
        const list = new SortedList<number>(byNumber);
        const model = new Set<number>();
        for (const [add, v] of ops) {
          if (add) expect(list.add(v)).toBe(!model.has(v));
          else expect(list.delete(v)).toBe(model.has(v));
          if (add) model.add(v);
          else model.delete(v);
        }
        const sorted = [...model].sort(byNumber);
        expect([...list]).toEqual(sorted);
        expect(list.size).toBe(sorted.length);
        expect(list.first()).toBe(sorted[0]);
        for (const [i, v] of sorted.entries()) expect(list.rank(v)).toBe(i);
        expect(list.countBefore(1500)).toBe(sorted.filter((v) => v < 1500).length);
      }),
      { numRuns: 60 },
    );
  });

  it('splits chunks and stays ordered past many thousands of items', () => {
    const list = new SortedList<number>(byNumber);
    for (let i = 0; i < 20_000; i++) list.add((i * 7919) % 20_011);
    const values = [...list];
    expect(values.length).toBe(20_000);
    for (let i = 1; i < values.length; i++) expect(values[i - 1]! < values[i]!).toBe(true);
    expect(list.rank(-1)).toBe(-1);
  });
});

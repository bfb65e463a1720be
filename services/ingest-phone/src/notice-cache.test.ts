import { describe, expect, it } from 'vitest';
import { CustomerNotice } from '@switchboard/contracts';
import { NoticeCache } from './notice-cache.js';

const notice = (contactId: string, position: number, atMs: number) => CustomerNotice.fromPartial({ contactId, position, at: new Date(atMs) });

describe('NoticeCache', () => {
  it('keeps the newest notice per contact and ignores an older one arriving late', () => {
    const cache = new NoticeCache(10, 60_000, () => 0);
    cache.put(notice('c1', 3, 2_000));
    cache.put(notice('c1', 4, 1_000));
    expect(cache.get('c1')?.position).toBe(3);
    cache.put(notice('c1', 2, 3_000));
    expect(cache.get('c1')?.position).toBe(2);
    cache.delete('c1');
    expect(cache.get('c1')).toBeUndefined();
  });

  it('is bounded: past the cap the least recently noticed goes; past the TTL an entry is forgotten', () => {
    let now = 0;
    const cache = new NoticeCache(2, 1_000, () => now);
    cache.put(notice('a', 1, 1));
    cache.put(notice('b', 1, 2));
    cache.put(notice('a', 1, 3));
    cache.put(notice('c', 1, 4));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((n) => n?.contactId)).toEqual(['a', undefined, 'c']);
    now = 1_500;
    expect(cache.get('a')).toBeUndefined();
    cache.put(notice('d', 1, 5));
    expect(cache.size).toBe(1);
  });
});

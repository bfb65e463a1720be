/**
 * A seeded source of uniform numbers. The core never touches ambient randomness (lint refuses
 * `Math.random`): whoever needs chance takes an `Rng`, so every run is reproducible from its seed.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
}

/**
 * xoshiro128** (Blackman & Vigna, 2018): 128-bit state, period 2¹²⁸ − 1, passes BigCrush, and uses
 * only 32-bit integer operations, which JavaScript does exactly (`Math.imul`, `>>>`). The state is
 * filled from the seed by splitmix32 so that nearby seeds (1, 2, 3) give unrelated streams and the
 * state is never all zero.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let sm = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return xoshiro128StarStar(splitmix32(), splitmix32(), splitmix32(), splitmix32());
}

/** xoshiro128** from an explicit 128-bit state (for reference test vectors); all-zero is replaced. */
export function xoshiro128StarStar(a: number, b: number, c: number, d: number): Rng {
  let s0 = a >>> 0;
  let s1 = b >>> 0;
  let s2 = c >>> 0;
  let s3 = d >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    next: () => {
      // 27 + 26 bits: the standard recipe for a full-precision double from two 32-bit draws.
      const high = nextUint32() >>> 5;
      const low = nextUint32() >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    },
  };
}

/**
 * An independent stream derived from `seed` and a stream number, so that e.g. arrivals and handle
 * times use separate streams and changing one part of a scenario does not reshuffle the others.
 */
export function deriveRng(seed: number, stream: number): Rng {
  const mixed = Math.imul((seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9), 0x85ebca6b) >>> 0;
  return createRng(mixed + (Math.trunc(seed / 2 ** 32) >>> 0) * 2 ** 32);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

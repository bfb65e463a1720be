import { InvalidArgumentError } from 'commander';

/** Commander parser for a finite number, with an optional lower bound and integer check. */
export function numberOption(what: { min?: number; integer?: boolean; exclusiveMin?: boolean } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number.');
    if (what.integer === true && !Number.isInteger(n)) throw new InvalidArgumentError('not an integer.');
    if (what.min !== undefined && (what.exclusiveMin === true ? n <= what.min : n < what.min)) {
      throw new InvalidArgumentError(`must be ${what.exclusiveMin === true ? '>' : '≥'} ${what.min}.`);
    }
    return n;
  };
}

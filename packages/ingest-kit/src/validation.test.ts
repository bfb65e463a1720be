import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { parseFormBody } from './body-parsers.js';
import { parseJsonOrThrow, parseOrThrow } from './validation.js';

const schema = z.strictObject({
  callerNumber: z.string().min(3),
  ivr: z.strictObject({ language: z.string().max(5) }).optional(),
});

function failure(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseOrThrow', () => {
  it('names a missing field as required', () => {
    expect(failure(() => parseOrThrow(schema, {}))).toMatchObject({ field: 'callerNumber', rule: 'required' });
  });
  it('names nested fields with a dotted path and the rule broken', () => {
    expect(failure(() => parseOrThrow(schema, { callerNumber: '123', ivr: { language: 'much-too-long' } })))
      .toMatchObject({ field: 'ivr.language', rule: 'too_big' });
  });
  it('names an unknown key itself', () => {
    expect(failure(() => parseOrThrow(schema, { callerNumber: '123', extra: 1 }))).toMatchObject({ field: 'extra', rule: 'unrecognized_keys' });
  });
  it('names the body when it is not an object at all', () => {
    expect(failure(() => parseOrThrow(schema, 'text'))).toMatchObject({ field: '(body)', rule: 'invalid_type' });
  });
  it('refuses non-JSON without echoing it', () => {
    const error = failure(() => parseJsonOrThrow('{"secret": +1555'));
    expect(error).toMatchObject({ field: '(body)', rule: 'json' });
    expect(error.message).not.toContain('1555');
  });
});

describe('parseFormBody', () => {
  it('keeps repeated names as arrays and refuses prototype names', () => {
    expect(parseFormBody('a=1&b=2&a=3')).toEqual({ a: ['1', '3'], b: '2' });
    expect(failure(() => parseFormBody('__proto__=x'))).toMatchObject({ field: '__proto__' });
  });
});

import type { z } from 'zod';
import { BODY_FIELD, ValidationError } from './errors.js';

/**
 * Parses `input` with `schema`, or throws a {@link ValidationError} naming the first broken field
 * as a dotted path (`ivr.language`, `attachments.0.size`) and the zod rule it broke
 * (`invalid_type`, `too_big`, `invalid_format`, `unrecognized_keys`...).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ValidationError(BODY_FIELD, 'invalid', 'invalid body');
  const path = issue.path.map(String);
  // An unknown key is a field of its own: name it rather than its parent object.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.length > 0 ? path.join('.') : BODY_FIELD;
  const missing = (issue.code === 'invalid_type' || issue.code === 'custom') && issue.path.length > 0 && valueAt(input, issue.path) === undefined;
  throw new ValidationError(field, missing ? 'required' : issue.code, `${field}: ${missing ? 'required' : issue.message}`);
}

/**
 * The input value at `path`. zod reports a missing field as `invalid_type` without the input
 * (unless asked to, which would copy bodies into errors), and platforms want to read `required`.
 */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Parses JSON text, throwing a {@link ValidationError} on `(body)` with rule `json` when it is
 * not JSON. The parser's message is not echoed: it quotes the body.
 */
export function parseJsonOrThrow(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(BODY_FIELD, 'json', 'body is not valid JSON', { cause: error });
  }
}

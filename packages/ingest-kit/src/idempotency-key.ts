import { ValidationError } from './errors.js';

// C0 and C1 controls, DEL and the Unicode line separators: a CR or LF ends a NATS header line
// (nats.js throws, which was a 500), and the others make ids nobody can read back in a log.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// String.prototype.isWellFormed is ES2024; the lib here is ES2023.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The same rule as a pattern, for schemas (zod's `.regex` reports `invalid_format`): characters
 * that are neither controls nor surrogates, or a surrogate pair.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const IDEMPOTENCY_KEY_PATTERN = /^(?:[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/**
 * Checks a platform's id before it becomes part of a `Nats-Msg-Id` or a contact id: 1 to
 * `maxLength` characters, no control characters, well-formed Unicode (a lone surrogate would be
 * sent as U+FFFD, so two different ids would deduplicate as one).
 * @throws ValidationError on `field` with rule `required`, `too_big` or `invalid_format`.
 */
export function checkIdempotencyKey(field: string, key: string, maxLength: number): void {
  if (key.length === 0) throw new ValidationError(field, 'required', `${field}: required`);
  if (key.length > maxLength) throw new ValidationError(field, 'too_big', `${field}: at most ${maxLength} characters`);
  if (CONTROL.test(key) || LONE_SURROGATE.test(key)) {
    throw new ValidationError(field, 'invalid_format', `${field}: no control characters (CR, LF, NUL…) or unpaired surrogates`);
  }
}

/** Whether `key` passes {@link checkIdempotencyKey} (for schemas that report their own issue). */
export function isIdempotencyKey(key: string, maxLength: number): boolean {
  return key.length > 0 && key.length <= maxLength && !CONTROL.test(key) && !LONE_SURROGATE.test(key);
}

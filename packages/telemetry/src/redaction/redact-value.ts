import { stdSerializers } from 'pino';
import { censorKnownKey } from './known-keys.js';
import { redactText } from './patterns.js';

// pino stringifies without a depth limit, so anything deeper than we walk must not be written.
const MAX_DEPTH = 32;
const TOO_DEEP = '[too deep]';
const CIRCULAR = '[Circular]';

/**
 * Returns `value` with personal data removed from every string inside it, however deeply nested,
 * and with fields known to hold personal data (`phoneNumber`, `displayName`, top-level `from`...)
 * replaced whatever their format.
 *
 * Copy-on-write: the caller's objects are never mutated, and an object with nothing to redact is
 * returned as is, so the common case allocates nothing. Errors are serialised the way pino's `err`
 * serializer does (message, stack, cause) before scanning, because their text is where phone
 * numbers leak most often; values with `toJSON` (Date, Buffer, Long) are scanned as what
 * `JSON.stringify` will write.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (ancestors.has(value)) return CIRCULAR;

  ancestors.add(value);
  try {
    if (value instanceof Error) return walk(stdSerializers.err(value), depth, ancestors);
    if (Array.isArray(value)) return walkArray(value, depth, ancestors);
    const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1, ancestors);
    return walkObject(value as Record<string, unknown>, depth, ancestors);
  } finally {
    // Only ancestors count as cycles: the same object twice in siblings is fine to write twice.
    ancestors.delete(value);
  }
}

function walkArray(items: readonly unknown[], depth: number, ancestors: WeakSet<object>): unknown {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const redacted = walk(item, depth + 1, ancestors);
    if (redacted !== item) {
      copy ??= items.slice();
      copy[i] = redacted;
    }
  }
  return copy ?? items;
}

function walkObject(
  object: Record<string, unknown>,
  depth: number,
  ancestors: WeakSet<object>,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const field = object[key];
    const redacted = censorKnownKey(key, field, depth === 0) ?? walk(field, depth + 1, ancestors);
    if (redacted !== field) {
      copy ??= { ...object };
      copy[key] = redacted;
    }
  }
  return copy ?? object;
}

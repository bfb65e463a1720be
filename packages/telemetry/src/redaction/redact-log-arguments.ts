import { redactText } from './patterns.js';
import { redactValue } from './redact-value.js';

/**
 * Redacts what a pino log call receives before pino formats it: the message, the printf-style
 * arguments interpolated into it, and the message pino would otherwise take from an error
 * (`logger.error(err)` and `logger.error({ err })` use `err.message` unscanned). The merging
 * object itself is left to the `formatters.log` hook, which also sees the mixin fields.
 */
export function redactLogArguments(args: readonly unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (typeof first === 'string') return [redactText(first), ...rest.map(redactValue)];
  if (rest.length === 0) {
    const implicitMessage = implicitErrorMessage(first);
    if (implicitMessage !== undefined) return [first, redactText(implicitMessage)];
  }
  return [first, ...rest.map(redactValue)];
}

/** The message pino derives from an error when the call gives none (mirrors pino's `write`). */
function implicitErrorMessage(mergingObject: unknown): string | undefined {
  if (mergingObject instanceof Error) return mergingObject.message;
  if (typeof mergingObject !== 'object' || mergingObject === null) return undefined;
  const { err, msg } = mergingObject as { err?: unknown; msg?: unknown };
  return err instanceof Error && msg === undefined ? err.message : undefined;
}

/**
 * Calls `run` and reports its outcome once it is known: at once for a plain value or a throw,
 * on settlement for a promise (which is replaced by a native promise settling the same way).
 * Lets span code treat sync and async callbacks alike; `onFailure` runs before the error is
 * rethrown unchanged.
 */
export function settle<T>(run: () => T, onSuccess: () => void, onFailure: (error: unknown) => void): T {
  let result: T;
  try {
    result = run();
  } catch (error) {
    onFailure(error);
    throw error;
  }
  if (!isPromiseLike(result)) {
    onSuccess();
    return result;
  }
  // T is a promise type here; the cast only restates that for the compiler.
  return Promise.resolve(result).then(
    (value) => {
      onSuccess();
      return value;
    },
    (error: unknown) => {
      onFailure(error);
      throw error;
    },
  ) as T;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

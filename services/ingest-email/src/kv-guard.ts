import { BusUnavailableError } from '@switchboard/bus';

/**
 * Runs a KV operation, failing fast while NATS is disconnected (nats.js would hold the request
 * until its timeout while the sending MTA waits) and turning any store failure into
 * BusUnavailableError, which every edge answers as temporary (SMTP 451, HTTP 503).
 */
export async function guardKv<T>(isConnected: () => boolean, what: string, fn: () => Promise<T>): Promise<T> {
  if (!isConnected()) throw new BusUnavailableError('NATS is disconnected');
  try {
    return await fn();
  } catch (error) {
    if (error instanceof BusUnavailableError) throw error;
    throw new BusUnavailableError(`${what} unavailable: ${(error as Error).message}`, { cause: error });
  }
}

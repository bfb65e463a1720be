import type { KV, KvEntry } from 'nats';
import { BusUnavailableError } from '@switchboard/bus';

/**
 * Runs an operation on a JetStream KV bucket the way every ingestion edge needs it: failing fast
 * while NATS is disconnected (nats.js would hold the request until its timeout while the platform
 * waits) and turning any store failure into BusUnavailableError, which every edge answers as
 * temporary (HTTP 503, SMTP 451, gRPC UNAVAILABLE), so the platform retries.
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

/**
 * Compare-and-set of one key against the entry read before (`null`, or a deleted entry, when
 * there was none): false when another writer got there first, so the caller reads again.
 */
export async function casPut(kv: KV, key: string, value: string, previous: KvEntry | null): Promise<boolean> {
  try {
    if (previous && previous.operation === 'PUT') await kv.update(key, value, previous.revision);
    else await kv.put(key, value, { previousSeq: previous?.revision ?? 0 });
    return true;
  } catch (error) {
    if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
    throw error;
  }
}

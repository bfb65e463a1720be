import { randomBytes } from 'node:crypto';

/**
 * Names that belong to one test only: its routing domain (and so its Redis hash tag), its
 * JetStream stream names and its subject prefix. Tests share servers, never names.
 */
export interface TestScope {
  /** Short unique id, safe in stream names, subjects and Redis keys. */
  readonly id: string;
  /** A routing domain unique to this test; Redis keys of the domain carry `{d:<domain>}`. */
  readonly domain: string;
  /** Subject prefix for this test's messages, e.g. `t<id>.sb`. */
  readonly subjectPrefix: string;
  /** A stream name unique to this test, e.g. stream('CONTACTS') → `CONTACTS_<ID>`. */
  stream(base: string): string;
  /** A subject under this test's prefix. */
  subject(rest: string): string;
  /** A Redis key prefix unique to this test. */
  readonly redisPrefix: string;
}

/** Creates a fresh scope; `label` only makes names easier to read in server dumps. */
export function createTestScope(label = 't'): TestScope {
  const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase()}${randomBytes(5).toString('hex')}`;
  return {
    id,
    domain: id,
    subjectPrefix: `t${id}.sb`,
    stream: (base) => `${base}_${id}`.toUpperCase(),
    subject: (rest) => `t${id}.${rest}`,
    redisPrefix: `t:${id}:`,
  };
}

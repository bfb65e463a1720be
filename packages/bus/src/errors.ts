/**
 * The bus could not take a message now (disconnected, timed out, stream full). The caller answers
 * its platform with a temporary failure so the platform retries; nothing is half-accepted.
 */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
  readonly code = 'BUS.UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A message that can never be processed (undecodable, invalid). Consumers terminate it and move it
 * to the dead-letter stream instead of retrying forever.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  readonly code = 'BUS.POISON_MESSAGE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

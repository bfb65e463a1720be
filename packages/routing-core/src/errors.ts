/** Stable codes of broken invariants; adapters map them once at their edge. */
export const RoutingErrorCode = {
  UNKNOWN_CONTACT: 'ROUTING.UNKNOWN_CONTACT',
  UNKNOWN_AGENT: 'ROUTING.UNKNOWN_AGENT',
  UNKNOWN_QUEUE: 'ROUTING.UNKNOWN_QUEUE',
  INVALID_TRANSITION: 'ROUTING.INVALID_TRANSITION',
  WRONG_AGENT: 'ROUTING.WRONG_AGENT',
  AGENT_AT_CAPACITY: 'ROUTING.AGENT_AT_CAPACITY',
  INVALID_CONFIG: 'ROUTING.INVALID_CONFIG',
  /** A COMPLETE's disposition is not in its queue's catalogue. */
  INVALID_DISPOSITION: 'ROUTING.INVALID_DISPOSITION',
  TIME_WENT_BACKWARDS: 'ROUTING.TIME_WENT_BACKWARDS',
  /** A callback number that is not E.164. */
  INVALID_CALLBACK_NUMBER: 'ROUTING.INVALID_CALLBACK_NUMBER',
  /** A survey score outside 1–5 (or not a whole number). */
  INVALID_SURVEY_ANSWER: 'ROUTING.INVALID_SURVEY_ANSWER',
  /** A QA review's score that cannot stand (points outside a criterion's range, no form). */
  INVALID_QA_SCORE: 'ROUTING.INVALID_QA_SCORE',
} as const;

/** One of {@link RoutingErrorCode}. */
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];

/**
 * A command the engine cannot apply because it contradicts the engine's state (unknown id,
 * impossible transition). The engine state is unchanged when this is thrown.
 */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  readonly code: RoutingErrorCode;

  constructor(code: RoutingErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

/** True when `e` is a {@link RoutingError}, optionally with the given code. */
export function isRoutingError(e: unknown, code?: RoutingErrorCode): e is RoutingError {
  return e instanceof RoutingError && (code === undefined || e.code === code);
}

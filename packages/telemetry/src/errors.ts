/** Stable codes of {@link TelemetryConfigError}. */
export const TELEMETRY_ERROR_CODES = {
  invalidSampleRatio: 'TELEMETRY.INVALID_SAMPLE_RATIO',
  alreadyStarted: 'TELEMETRY.ALREADY_STARTED',
} as const;

/** One of {@link TELEMETRY_ERROR_CODES}. */
export type TelemetryErrorCode = (typeof TELEMETRY_ERROR_CODES)[keyof typeof TELEMETRY_ERROR_CODES];

/**
 * Thrown by `startTelemetry` and `startTestTelemetry` when tracing cannot start as configured (a
 * bad sampling ratio, a second start), so a bad deployment fails loudly instead of silently
 * tracing everything or nothing.
 */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';

  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

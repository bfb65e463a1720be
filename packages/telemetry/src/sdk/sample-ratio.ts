import { TELEMETRY_ERROR_CODES, TelemetryConfigError } from '../errors.js';

/** The environment variable operators use to change the ratio without a release. */
export const SAMPLE_RATIO_ENV = 'OTEL_TRACES_SAMPLER_ARG';

/**
 * Resolves the ratio of new traces to keep: `OTEL_TRACES_SAMPLER_ARG` when set (an operator's
 * override), else the service's `option`, else 1 (keep all).
 *
 * @throws {TelemetryConfigError} `TELEMETRY.INVALID_SAMPLE_RATIO` when the chosen value is not a
 * number in [0, 1].
 */
export function resolveSampleRatio(option: number | undefined, env: NodeJS.ProcessEnv): number {
  const raw = env[SAMPLE_RATIO_ENV]?.trim();
  if (raw !== undefined && raw !== '') return checked(Number(raw), `${SAMPLE_RATIO_ENV}="${raw}"`);
  if (option !== undefined) return checked(option, `sampleRatio=${option}`);
  return 1;
}

function checked(ratio: number, source: string): number {
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  throw new TelemetryConfigError(
    TELEMETRY_ERROR_CODES.invalidSampleRatio,
    `${source} is not a sampling ratio between 0 and 1`,
  );
}

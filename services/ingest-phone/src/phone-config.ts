import { IngestConfigError, optionalSecret, type CustomerLanguage } from '@switchboard/ingest-kit';
import { E164 } from '@switchboard/routing-core';

/** The wait flow, callback and platform settings of the environment, validated. */
export interface PhoneWaitConfig {
  /** `TWILIO_ACCOUNT_SID`: with it (and TWILIO_AUTH_TOKEN) the REST client moves live calls and dials callbacks. */
  readonly accountSid?: string;
  /** `TWILIO_CALLER_ID`: E.164, the number callbacks are dialled from (one of the account's). */
  readonly callerId?: string;
  /** `TWILIO_API_BASE`: where REST requests go instead of https://api.twilio.com (tests, a proxy). */
  readonly apiBase?: string;
  /** `TWILIO_HOLD_MUSIC_URL`: played in each wait round. */
  readonly holdMusicUrl?: string;
  /** `TWILIO_WAIT_PAUSE_SECONDS` (1–600): each wait round's pause without music. */
  readonly pauseSeconds?: number;
  /** `PHONE_DEFAULT_LANGUAGE`: zh (default) or en, for callers whose language is not known. */
  readonly defaultLanguage: CustomerLanguage;
  /** `PHONE_PLATFORM_WEBHOOK_URL`: the generic platform's endpoint for dial requests, positions and exceptions. */
  readonly platformUrl?: string;
  /** `PHONE_SURVEY_WAIT_SECONDS` (0–30, default 6): how long a Twilio caller whose agent hung up waits for the survey. */
  readonly surveyWaitSeconds?: number;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = optionalSecret(env, name);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new IngestConfigError(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new IngestConfigError(`${name} must be an http(s) URL`);
  return text;
}

/**
 * Reads the phone channel's wait-flow settings.
 * @throws IngestConfigError naming the variable that is malformed, or PHONE_PLATFORM_WEBHOOK_URL
 *   without PHONE_WEBHOOK_SECRET (its requests are signed with it).
 */
export function phoneWaitConfigFromEnv(env: NodeJS.ProcessEnv): PhoneWaitConfig {
  const accountSid = optionalSecret(env, 'TWILIO_ACCOUNT_SID');
  if (accountSid !== undefined && !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new IngestConfigError('TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits');
  const callerId = optionalSecret(env, 'TWILIO_CALLER_ID');
  if (callerId !== undefined && !E164.test(callerId)) throw new IngestConfigError('TWILIO_CALLER_ID must be an E.164 number (+ and 7 to 15 digits)');
  const pauseText = optionalSecret(env, 'TWILIO_WAIT_PAUSE_SECONDS');
  const pauseSeconds = pauseText === undefined ? undefined : Number(pauseText);
  if (pauseSeconds !== undefined && !(Number.isInteger(pauseSeconds) && pauseSeconds >= 1 && pauseSeconds <= 600)) {
    throw new IngestConfigError('TWILIO_WAIT_PAUSE_SECONDS must be a whole number of seconds from 1 to 600');
  }
  const language = (optionalSecret(env, 'PHONE_DEFAULT_LANGUAGE') ?? 'zh').toLowerCase();
  if (language !== 'zh' && language !== 'en') throw new IngestConfigError('PHONE_DEFAULT_LANGUAGE must be zh or en');
  const platformUrl = httpUrl(env, 'PHONE_PLATFORM_WEBHOOK_URL');
  if (platformUrl && !optionalSecret(env, 'PHONE_WEBHOOK_SECRET')) throw new IngestConfigError('PHONE_PLATFORM_WEBHOOK_URL needs PHONE_WEBHOOK_SECRET, which signs its requests');
  const surveyText = optionalSecret(env, 'PHONE_SURVEY_WAIT_SECONDS');
  const surveyWaitSeconds = surveyText === undefined ? undefined : Number(surveyText);
  if (surveyWaitSeconds !== undefined && !(Number.isInteger(surveyWaitSeconds) && surveyWaitSeconds >= 0 && surveyWaitSeconds <= 30)) {
    throw new IngestConfigError('PHONE_SURVEY_WAIT_SECONDS must be a whole number of seconds from 0 to 30');
  }
  const apiBase = httpUrl(env, 'TWILIO_API_BASE');
  const holdMusicUrl = httpUrl(env, 'TWILIO_HOLD_MUSIC_URL');
  return {
    defaultLanguage: language,
    ...(accountSid ? { accountSid } : {}), ...(callerId ? { callerId } : {}), ...(apiBase ? { apiBase } : {}),
    ...(holdMusicUrl ? { holdMusicUrl } : {}), ...(pauseSeconds ? { pauseSeconds } : {}), ...(platformUrl ? { platformUrl } : {}),
    ...(surveyWaitSeconds !== undefined ? { surveyWaitSeconds } : {}),
  };
}

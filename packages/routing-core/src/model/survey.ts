import type { Channel } from './channel.js';

/**
 * A queue's satisfaction survey (CSAT). After a contact of the queue completes on one of
 * `channels`, a survey goes out to its customer on that channel; one answer (score 1–5, optional
 * comment) is taken within `windowSeconds` of the completion.
 */
export interface SurveyPolicy {
  readonly enabled: boolean;
  /** How long answers are taken after completion; absent = {@link DEFAULT_SURVEY_WINDOW_SECONDS}. */
  readonly windowSeconds?: number;
  /** The channels the survey goes out on; absent or empty = {@link SURVEY_CHANNELS}. */
  readonly channels?: readonly Channel[];
  /** The question per language ("zh", "en"); absent = the channel's default text. */
  readonly texts?: Readonly<Record<string, string>>;
}

/** 24 hours. */
export const DEFAULT_SURVEY_WINDOW_SECONDS = 86_400;
/** Longest window a queue may set (7 days): what bounds the engine's open surveys. */
export const MAX_SURVEY_WINDOW_SECONDS = 7 * 86_400;
/** The customer channels a survey can reach (a channel without a customer on it is not surveyed). */
export const SURVEY_CHANNELS: readonly Channel[] = ['phone', 'email', 'chat', 'wechat'];
/** Longest comment kept, in characters (UTF-16 code units); longer ones are cut. */
export const SURVEY_COMMENT_MAX = 500;
export const SURVEY_SCORE_MIN = 1;
export const SURVEY_SCORE_MAX = 5;
/** Scores that count as "satisfied" (4 and 5, the CSAT convention). */
export const SURVEY_SATISFIED_MIN = 4;

/** Why an answer was not recorded: no open survey for the contact (never sent, or its window passed and it was forgotten), answered before, or past its window. */
export type SurveyRefusal = 'NO_SURVEY' | 'ALREADY_ANSWERED' | 'WINDOW_CLOSED';

/** Whether a policy surveys `channel`. */
export function surveysChannel(policy: SurveyPolicy | undefined, channel: Channel): boolean {
  if (policy?.enabled !== true) return false;
  const channels = policy.channels !== undefined && policy.channels.length > 0 ? policy.channels : SURVEY_CHANNELS;
  return channels.includes(channel);
}

/** Problems of a policy, for the queue's validation ('' when none). */
export function surveyPolicyProblem(policy: SurveyPolicy): string {
  const w = policy.windowSeconds;
  if (w !== undefined && (!Number.isFinite(w) || w <= 0 || w > MAX_SURVEY_WINDOW_SECONDS)) {
    return `survey.windowSeconds must be in (0, ${MAX_SURVEY_WINDOW_SECONDS}], got ${w}`;
  }
  const bad = (policy.channels ?? []).filter((c) => !SURVEY_CHANNELS.includes(c));
  return bad.length > 0 ? `survey.channels may only name ${SURVEY_CHANNELS.join(', ')}, got ${bad.join(', ')}` : '';
}

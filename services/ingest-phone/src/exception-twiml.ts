import type { CustomerAction } from '@switchboard/routing-core';
import { actionText, sayLanguage, type CustomerLanguage, type ExceptionReason } from '@switchboard/ingest-kit';
import { escapeXml, say, twimlResponse } from './twiml.js';

/** The longest voicemail a caller may leave, in seconds. */
export const VOICEMAIL_MAX_SECONDS = 120;

/** What a caller hears when routing cannot serve them, as the phone renders an exception's action. */
export interface PhoneException {
  /** `message`: said, then the call ends; `voicemail`: said, then the caller may leave a message. */
  readonly kind: 'message' | 'voicemail';
  /** The sentence said (the platform webhook sends it as text). */
  readonly text: string;
  /** `<Say language>`. */
  readonly language: string;
}

/**
 * How each CustomerAction is heard on a call whose contact is gone (rejected or expired):
 * MESSAGE and OVERFLOW (an overflow the engine could not make) are said and the call ends;
 * VOICEMAIL is said and recorded. CALLBACK_OFFER and LEAVE_EMAIL become a voicemail: the contact
 * they would call back or answer no longer exists (a new contact for the same caller would be a
 * second record of one request), so the caller is told the reason and may leave a message with
 * their number or address instead; the built-in voicemail words are said, not the queue's own,
 * which promise a press-1 or an email form the phone cannot keep.
 */
export function phoneException(language: CustomerLanguage, reason: ExceptionReason, action: CustomerAction): PhoneException {
  const voicemail = action.kind === 'VOICEMAIL' || action.kind === 'CALLBACK_OFFER' || action.kind === 'LEAVE_EMAIL';
  const spoken: CustomerAction = action.kind === 'VOICEMAIL' || !voicemail ? action : { kind: 'VOICEMAIL' };
  return { kind: voicemail ? 'voicemail' : 'message', text: actionText(language, reason, spoken), language: sayLanguage(language) };
}

/**
 * The TwiML of an exception: `<Say>` then `<Hangup/>`, or `<Say>` then `<Record>` (beep, up to
 * {@link VOICEMAIL_MAX_SECONDS}, `#` ends it) whose action `voicemailUrl` receives the recording.
 */
export function exceptionTwiml(exception: PhoneException, voicemailUrl: string): string {
  const spoken = say(exception.text, exception.language);
  if (exception.kind === 'message') return twimlResponse(`${spoken}<Hangup/>`);
  const record = `<Record maxLength="${VOICEMAIL_MAX_SECONDS}" playBeep="true" finishOnKey="#" method="POST" action="${escapeXml(voicemailUrl)}"/>`;
  return twimlResponse(`${spoken}${record}<Hangup/>`);
}

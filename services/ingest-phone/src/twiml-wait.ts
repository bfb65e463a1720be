import { escapeXml, redirect, say, twimlResponse } from './twiml.js';

/** How the caller is held between announcements. */
export interface HoldSound {
  /** `TWILIO_HOLD_MUSIC_URL`: played once per wait-URL round; without it, silence for `pauseSeconds`. */
  readonly musicUrl?: string;
  /** `TWILIO_WAIT_PAUSE_SECONDS`: the silence between announcements without music. */
  readonly pauseSeconds: number;
}

/** What one round of the wait URL says; Twilio requests the wait URL again when it ends. */
export interface WaitRound {
  /** `<Say language>` of every sentence (`zh-CN`, `en-US`). */
  readonly language: string;
  /** Where the caller stands (positionText), or the short "please hold" before the first notice. */
  readonly announcement: string;
  /** The callback offer and the URL its digit goes to; absent, nothing is offered this round. */
  readonly offer?: { readonly text: string; readonly action: string };
  readonly hold: HoldSound;
}

function holdVerb(hold: HoldSound): string {
  return hold.musicUrl ? `<Play>${escapeXml(hold.musicUrl)}</Play>` : `<Pause length="${Math.max(1, Math.round(hold.pauseSeconds))}"/>`;
}

/**
 * One round of the wait URL's TwiML: the announcement, then the callback offer inside a one-digit
 * `<Gather>` that also holds the music (or pause), so the caller may press 1 at any moment of the
 * round. With no digit the Gather times out, the document ends and Twilio's Enqueue loop requests
 * the wait URL again (the next round says the newest position).
 */
export function waitTwiml(round: WaitRound): string {
  const hold = holdVerb(round.hold);
  if (!round.offer) return twimlResponse(say(round.announcement, round.language) + hold);
  const gather = `<Gather input="dtmf" numDigits="1" timeout="1" method="POST" action="${escapeXml(round.offer.action)}">`;
  return twimlResponse(`${gather}${say(round.announcement, round.language)}${say(round.offer.text, round.language)}${hold}</Gather>`);
}

/** The caller pressed 1 and the callback was recorded: confirm, then hang up (the contact keeps its place). */
export function callbackConfirmedTwiml(text: string, language: string): string {
  return twimlResponse(`${say(text, language)}<Hangup/>`);
}

/** Back to the wait loop, saying `text` first when given (a number we cannot call back). */
export function backToWaitTwiml(waitUrl: string, text?: string, language?: string): string {
  return twimlResponse(`${text ? say(text, language) : ''}${redirect(waitUrl)}`);
}

/** The wait URL's answer when an exception's TwiML is pending: leave the queue (Enqueue's action then plays it). */
export const LEAVE_QUEUE_TWIML = twimlResponse('<Leave/>');

/** The callback leg, answered by the customer: a short line, then the agent's Twilio Client. */
export function callbackConnectTwiml(text: string, language: string, agentId: string): string {
  return twimlResponse(`${say(text, language)}<Dial><Client>${escapeXml(agentId)}</Client></Dial>`);
}

/** What the caller hears while Switchboard finds an agent. */
export interface HoldOptions {
  /** Twilio queue the call waits in; an agent connector later dequeues it. */
  readonly queueName: string;
  /** TwiML URL Twilio polls for announcements and hold music while the call waits (`Enqueue waitUrl`). */
  readonly waitUrl?: string;
  /**
   * Requested when the call leaves the queue (`Enqueue action`): after a `<Leave/>` of the wait URL
   * its answer is what the caller hears next (an exception's voicemail, which the wait URL may not play).
   */
  readonly leftUrl?: string;
  /** Greeting spoken before the hold (default: a short English sentence). */
  readonly greeting?: string;
  /** The greeting's `<Say language>`. */
  readonly language?: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

/** A whole TwiML document of `verbs`. */
export function twimlResponse(verbs: string): string {
  return verbs === '' ? EMPTY_TWIML : `${XML_HEAD}<Response>${verbs}</Response>`;
}

/** `<Say>`, with the language Twilio's voice speaks it in when given. */
export function say(text: string, language?: string): string {
  return `<Say${language ? ` language="${escapeXml(language)}"` : ''}>${escapeXml(text)}</Say>`;
}

/** `<Redirect method="POST">`: Twilio requests `url` next for the call's TwiML. */
export function redirect(url: string): string {
  return `<Redirect method="POST">${escapeXml(url)}</Redirect>`;
}

/**
 * TwiML that greets the caller and holds them in a Twilio queue (`<Enqueue>`), where they stay,
 * hearing `waitUrl`'s music (Twilio's default without one), until an agent's leg dequeues them.
 */
export function holdInQueueTwiml(options: HoldOptions): string {
  const greeting = options.greeting ?? 'Thank you for calling. Please hold for the next available agent.';
  const waitUrl = options.waitUrl ? ` waitUrl="${escapeXml(options.waitUrl)}" waitUrlMethod="POST"` : '';
  const action = options.leftUrl ? ` action="${escapeXml(options.leftUrl)}" method="POST"` : '';
  return twimlResponse(`${say(greeting, options.language)}<Enqueue${action}${waitUrl}>${escapeXml(options.queueName)}</Enqueue>`);
}

/** An empty TwiML answer for callbacks that need no instruction. */
export const EMPTY_TWIML = `${XML_HEAD}<Response/>`;

/** What the caller hears while Switchboard finds an agent. */
export interface HoldOptions {
  /** Twilio queue the call waits in; an agent connector later dequeues it. */
  readonly queueName: string;
  /** Optional TwiML URL Twilio polls for hold music and announcements (`Enqueue waitUrl`). */
  readonly waitUrl?: string;
  /** Greeting spoken before the hold (default: a short English sentence). */
  readonly greeting?: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * TwiML that greets the caller and holds them in a Twilio queue (`<Enqueue>`), where they stay,
 * hearing `waitUrl`'s music (Twilio's default without one), until an agent's leg dequeues them.
 */
export function holdInQueueTwiml(options: HoldOptions): string {
  const greeting = options.greeting ?? 'Thank you for calling. Please hold for the next available agent.';
  const waitUrl = options.waitUrl ? ` waitUrl="${escapeXml(options.waitUrl)}" waitUrlMethod="POST"` : '';
  return '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Say>${escapeXml(greeting)}</Say><Enqueue${waitUrl}>${escapeXml(options.queueName)}</Enqueue></Response>`;
}

/** An empty TwiML answer for callbacks that need no instruction. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/** The Twilio REST calls this service makes: move a live call, place a callback. */
export interface TwilioCalls {
  /** Replaces what a call in progress is doing with `twiml` (it leaves the queue and hears it). */
  update(callSid: string, twiml: string): Promise<void>;
  /** Places an outbound call; resolves with its CallSid. */
  create(call: OutboundCall): Promise<string>;
}

/** An outbound call: Twilio requests `url` for its TwiML once the customer answers. */
export interface OutboundCall {
  readonly to: string;
  readonly from: string;
  readonly url: string;
  readonly statusCallback: string;
}

/** Settings of {@link createTwilioCalls}. */
export interface TwilioRestSettings {
  /** `TWILIO_ACCOUNT_SID`. */
  readonly accountSid: string;
  readonly authToken: string;
  /**
   * `TWILIO_API_BASE`: scheme, host and port every REST request goes to instead of
   * `https://api.twilio.com` (a test's stub, a recording proxy). Unset: Twilio itself.
   */
  readonly apiBase?: string;
  /** Per request, in ms (default 10 s: a routing event waits for it). */
  readonly timeoutMs?: number;
}

/**
 * The twilio package's own HTTP client, sending every request to `base` instead of the host the
 * package chose (api.twilio.com, or its edge/region variants): path, query, body and auth stay
 * exactly as the package built them. The package's `httpClient` option is its documented way to
 * bring one's own client; edge and region only name other Twilio hosts.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL, timeoutMs: number) {
    super({ timeout: timeoutMs });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const rebased = new URL(target.pathname + target.search, this.base);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

/** A Twilio REST client for the calls this service places and moves. */
export function createTwilioCalls(settings: TwilioRestSettings): TwilioCalls {
  const timeout = settings.timeoutMs ?? 10_000;
  const client = twilio(settings.accountSid, settings.authToken, {
    timeout,
    ...(settings.apiBase ? { httpClient: new RebasedRequestClient(new URL(settings.apiBase), timeout) } : {}),
  });
  return {
    async update(callSid, twiml) {
      await client.calls(callSid).update({ twiml });
    },
    async create(call) {
      const created = await client.calls.create({
        to: call.to, from: call.from, url: call.url, method: 'POST',
        statusCallback: call.statusCallback, statusCallbackMethod: 'POST', statusCallbackEvent: ['completed'],
      });
      return created.sid;
    },
  };
}

/**
 * Whether a REST failure is Twilio's final word on the request (a 4xx other than 429: the call is
 * over, the number is invalid, the account may not call it), so retrying is pointless; network
 * failures, 429 and 5xx may pass.
 */
export function isPermanentTwilioError(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return error instanceof twilio.RestException && typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

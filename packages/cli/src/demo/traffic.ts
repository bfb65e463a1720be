import { drawCustomer, weighted, type DemoCustomer } from './customers.js';
import { startChat, type ChatVisit } from './channels/chat.js';
import { sendEmail } from './channels/email.js';
import { placeCall } from './channels/phone.js';
import { sendWeChatMessage } from './channels/wechat.js';

/** Where the ingestion endpoints listen and the secrets they check. */
export interface TrafficTargets {
  readonly phoneUrl: string;
  readonly phoneSecret: string;
  readonly smtpHost: string;
  readonly smtpPort: number;
  readonly chatUrl: string;
  readonly wechatUrl: string;
  readonly wechatToken: string;
}

/** How much traffic, and of what kind. */
export interface TrafficOptions {
  /** New contacts per minute, Poisson arrivals. */
  readonly ratePerMinute: number;
  readonly vipShare?: number;
  /** How long chat visitors keep their socket open. */
  readonly chatStayMs?: number;
}

export type DemoChannel = 'phone' | 'chat' | 'email' | 'wechat';
/** Shares of arrivals per channel (weights). */
export const CHANNEL_MIX = [['phone', 35], ['chat', 30], ['wechat', 20], ['email', 15]] as const;

/**
 * Customers arriving on every channel through the real ingestion endpoints, at a Poisson rate.
 * A failed send is counted and reported (at most one line per channel every 10 s) and the
 * traffic goes on: the launcher restarts a crashed service and the demo picks up again.
 */
export class DemoTraffic {
  readonly sent: Record<DemoChannel, number> = { phone: 0, chat: 0, wechat: 0, email: 0 };
  readonly failed: Record<DemoChannel, number> = { phone: 0, chat: 0, wechat: 0, email: 0 };
  private readonly visits = new Set<ChatVisit>();
  private readonly lastReport = new Map<DemoChannel, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private ratePerMinute: number;

  constructor(private readonly targets: TrafficTargets, private readonly options: TrafficOptions, private readonly log: (message: string) => void) {
    this.ratePerMinute = options.ratePerMinute;
  }

  /** Changes the arrival rate from the next arrival on (a demo's warm-up ending, a surge). */
  setRate(ratePerMinute: number): void {
    this.ratePerMinute = ratePerMinute;
  }

  start(): void {
    // A first few contacts at once, so the console is not empty while the first gap elapses.
    for (let i = 0; i < Math.min(4, Math.ceil(this.ratePerMinute / 10)); i++) this.arrive();
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const visit of this.visits) visit.leave();
    this.visits.clear();
  }

  private schedule(): void {
    const meanGapMs = 60_000 / Math.max(0.01, this.ratePerMinute);
    this.timer = setTimeout(() => {
      this.arrive();
      this.schedule();
    }, -Math.log(1 - Math.random()) * meanGapMs);
  }

  private arrive(): void {
    if (this.inFlight > 50) return; // the mesh is not keeping up; do not pile on
    const channel = weighted(CHANNEL_MIX);
    const customer = drawCustomer({ vipShare: this.options.vipShare ?? 0.12 });
    this.inFlight += 1;
    void this.send(channel, customer)
      .then(() => { this.sent[channel] += 1; })
      .catch((error: unknown) => this.failure(channel, error))
      .finally(() => { this.inFlight -= 1; });
  }

  private async send(channel: DemoChannel, customer: DemoCustomer): Promise<void> {
    const t = this.targets;
    switch (channel) {
      case 'phone': await placeCall(t.phoneUrl, t.phoneSecret, customer); return;
      case 'email': await sendEmail(t.smtpHost, t.smtpPort, customer); return;
      case 'wechat': await sendWeChatMessage(t.wechatUrl, t.wechatToken, customer); return;
      case 'chat': {
        const visit = await startChat(t.chatUrl, customer, this.options.chatStayMs ?? 120_000);
        this.visits.add(visit);
        return;
      }
    }
  }

  private failure(channel: DemoChannel, error: unknown): void {
    this.failed[channel] += 1;
    const now = Date.now();
    if (now - (this.lastReport.get(channel) ?? 0) < 10_000) return;
    this.lastReport.set(channel, now);
    this.log(`${channel} contact not delivered: ${(error as Error).message} (${this.failed[channel]} so far)`);
  }
}

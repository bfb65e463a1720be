import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One REST request the stub received. */
export interface StubRequest {
  readonly method: string;
  readonly path: string;
  /** The form body's fields (repeated names keep their last value, except `StatusCallbackEvent`). */
  readonly form: Record<string, string>;
  /** Every `StatusCallbackEvent` value, in order. */
  readonly statusCallbackEvents: string[];
  /** The Basic credentials' user (the account SID). */
  readonly user: string;
  /** `create` (POST …/Calls.json) or `update` (POST …/Calls/<sid>.json). */
  readonly kind: 'create' | 'update' | 'other';
  /** The CallSid of an update; the new CallSid the stub answered a create with. */
  readonly callSid: string;
}

/** A failure to answer the next matching request with (a Twilio error body and status). */
interface Failure {
  readonly kind: StubRequest['kind'];
  readonly status: number;
  readonly code: number;
}

/**
 * A stand-in for Twilio's REST API on 127.0.0.1 for tests: records every request and answers
 * Calls create and update as Twilio does (JSON call resources), or with a scripted error. Point
 * the service at it with `TWILIO_API_BASE` = {@link url}.
 */
export class TwilioRestStub {
  readonly requests: StubRequest[] = [];
  private readonly failures: Failure[] = [];
  private server: Server | undefined;

  /** Starts listening on a free port of 127.0.0.1; resolves with the base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the stub is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The next `kind` request is answered with HTTP `status` and Twilio error `code`. */
  failNext(kind: Failure['kind'], status: number, code = 20_404): void {
    this.failures.push({ kind, status, code });
  }

  /** The requests of one kind so far. */
  of(kind: StubRequest['kind']): StubRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const update = /\/Accounts\/(AC\w+)\/Calls\/(CA\w+)\.json$/.exec(path);
    const create = /\/Accounts\/(AC\w+)\/Calls\.json$/.exec(path);
    const kind = req.method === 'POST' && update ? 'update' : req.method === 'POST' && create ? 'create' : 'other';
    const callSid = update?.[2] ?? (kind === 'create' ? `CA${randomBytes(16).toString('hex')}` : '');
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    this.requests.push({
      method: req.method ?? '', path, form: Object.fromEntries(params), statusCallbackEvents: params.getAll('StatusCallbackEvent'),
      user: auth.split(':')[0] ?? '', kind, callSid,
    });
    const failure = this.failures.findIndex((f) => f.kind === kind);
    if (failure !== -1) {
      const [f] = this.failures.splice(failure, 1);
      return { status: f!.status, body: { code: f!.code, message: `stubbed failure ${f!.code}`, more_info: 'https://www.twilio.com/docs/errors', status: f!.status } };
    }
    if (kind === 'other') return { status: 404, body: { code: 20_404, message: 'not found', status: 404 } };
    const account = (update ?? create)![1];
    return { status: kind === 'create' ? 201 : 200, body: { sid: callSid, account_sid: account, status: kind === 'create' ? 'queued' : 'in-progress', to: params.get('To'), from: params.get('From') } };
  }
}

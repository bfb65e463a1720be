import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { buildWeChatXml, sha1Signature } from '@switchboard/wechat';
import type { E2eMesh } from '@switchboard/bench';

/**
 * Simulated platforms that send one contact each over the real protocols. Each call comes from
 * one of 250 loopback addresses (127.0.1.x) in turn: requests no credential authenticates are
 * limited per client address (600 HTTP requests, 120 SMTP connections a minute), and in production
 * that load comes from many platform hosts, not one.
 */
export class BenchPlatforms {
  private next = 0;
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly mesh: E2eMesh) {}

  /** A call through the generic telephony webhook (JSON, HMAC over the timestamp and the body). */
  async phone(): Promise<void> {
    const body = JSON.stringify({ callId: `bench-${randomUUID()}`, event: 'arrived', callerNumber: '+8613800000000', dialledNumber: '+861012345678', platform: 'bench' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', this.mesh.secrets.phone).update(`${timestamp}.${body}`).digest('hex')}`;
    await this.post(this.mesh.ports.phone, '/v1/contacts', body, { 'content-type': 'application/json', 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signature }, 202);
  }

  /** A web-chat visitor: pre-chat form, WebSocket, first message (which opens the contact), leave. */
  async chat(): Promise<void> {
    const from = this.address();
    const session = JSON.parse(await this.post(this.mesh.ports.chat, '/v1/sessions', JSON.stringify({ name: 'Bench Visitor', email: 'visitor@mail.example', language: 'en', topic: 'general', page_url: 'https://shop.example/help' }), { 'content-type': 'application/json' }, 201, from)) as { sessionId: string; token: string };
    const socket = new WebSocket(`ws://127.0.0.1:${this.mesh.ports.chat}/v1/sessions/${session.sessionId}/ws?token=${encodeURIComponent(session.token)}`, { localAddress: from });
    try {
      await new Promise<void>((resolve, reject) => {
        const id = randomUUID();
        socket.once('error', reject);
        socket.once('open', () => socket.send(JSON.stringify({ type: 'message', id, text: 'hello' })));
        socket.on('message', (data: WebSocket.RawData) => {
          const frame = JSON.parse(data.toString()) as { type: string; id?: string; error?: string };
          if (frame.type === 'ack' && frame.id === id) resolve();
          if (frame.type === 'error') reject(new Error(`chat: ${frame.error ?? 'refused'}`));
        });
      });
    } finally {
      socket.terminate();
    }
  }

  /** An email over SMTP, one connection per message as a relay delivers it. */
  async email(): Promise<void> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: this.mesh.ports.smtp, secure: false, ignoreTLS: true, pool: false, localAddress: this.address() });
    try {
      await transport.sendMail({ from: 'customer@mail.example', to: 'support@switchboard.example', subject: 'Bench', text: 'hello', messageId: `<${randomUUID()}@bench.example>` });
    } finally {
      transport.close();
    }
  }

  /** A WeChat Official Account text message in plain mode, signed with the OA token. */
  async wechat(): Promise<void> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const signature = sha1Signature([this.mesh.secrets.wechatToken, timestamp, nonce]);
    const xml = buildWeChatXml({ ToUserName: 'gh_bench', FromUserName: `oBench${randomBytes(8).toString('hex')}`, CreateTime: Number(timestamp), MsgType: 'text', Content: 'hello',
      MsgId: String(BigInt.asUintN(63, BigInt(`0x${randomBytes(8).toString('hex')}`))) });
    await this.post(this.mesh.ports.wechat, `/wechat/oa?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, xml, { 'content-type': 'text/xml' }, 200);
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
  }

  private address(): string {
    this.next = (this.next + 1) % 250;
    return `127.0.1.${this.next + 1}`;
  }

  private post(port: number, path: string, body: string, headers: Record<string, string>, expect: number, from = this.address()): Promise<string> {
    let agent = this.agents.get(from);
    if (!agent) this.agents.set(from, agent = new Agent({ keepAlive: true, localAddress: from }));
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => (res.statusCode === expect ? resolve(text) : reject(new Error(`${path} ${res.statusCode}: ${text.slice(0, 200)}`))));
      });
      req.once('error', reject);
      req.end(body);
    });
  }
}

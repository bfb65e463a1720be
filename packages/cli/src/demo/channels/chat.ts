import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { DemoCustomer } from '../customers.js';

/** An open chat: the visitor's socket, closed when the visitor leaves. */
export interface ChatVisit {
  leave(): void;
}

/**
 * A web-chat visitor: fills the pre-chat form (`POST /v1/sessions`), opens the session's
 * WebSocket with its token, and writes a first message (which opens the contact). The socket stays
 * open for `stayMs`, as a visitor waits for an answer, then closes.
 * @throws Error when the form is refused or the first message is not acknowledged.
 */
export async function startChat(baseUrl: string, customer: DemoCustomer, stayMs: number): Promise<ChatVisit> {
  const form = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: customer.name, email: customer.email, language: customer.language, topic: customer.intent, page_url: 'https://shop.example/help' }),
  });
  const session = (await form.json()) as { sessionId?: string; token?: string; error?: string };
  if (form.status !== 201 || !session.sessionId || !session.token) throw new Error(`chat ${form.status}: ${session.error ?? 'no session'}`);
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/sessions/${session.sessionId}/ws?token=${encodeURIComponent(session.token)}`);
  await new Promise<void>((resolve, reject) => {
    const id = randomUUID();
    const timer = setTimeout(() => reject(new Error('chat: no ack within 10 s')), 10_000);
    socket.once('error', (error) => { clearTimeout(timer); reject(error); });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'message', id, text: customer.summary })));
    socket.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; error?: string };
      if (frame.type === 'ack' && frame.id === id) { clearTimeout(timer); resolve(); }
      if (frame.type === 'error') { clearTimeout(timer); reject(new Error(`chat: ${frame.error ?? 'refused'}`)); }
    });
  }).catch((error: unknown) => { socket.terminate(); throw error; });
  const timer = setTimeout(() => socket.close(1000, 'bye'), stayMs);
  timer.unref();
  return { leave: () => { clearTimeout(timer); socket.close(1000, 'bye'); } };
}

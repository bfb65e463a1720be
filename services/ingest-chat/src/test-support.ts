// Test-only wiring: the chat app on the testkit's NATS with names unique to one test, listening
// on port 0 so real WebSocket clients connect.
import pino from 'pino';
import WebSocket from 'ws';
import type { NatsConnection } from 'nats';
import { ensureStreams, type BusNames } from '@switchboard/bus';
import { ContactRecord } from '@switchboard/contracts';
import { createContactPublisher, createIngestBus, hmacHex, type IngestBus } from '@switchboard/ingest-kit';
import type { TestScope } from '@switchboard/testkit';
import { buildChatApp, type ChatApp, type ChatAppDeps } from './app.js';
import type { ServerFrame } from './frames.js';
import { ChatSessionStore } from './session-store.js';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const IDENTITY_SECRET = 'test-identity-secret';

/** A valid pre-chat form. */
export const FORM = { name: 'Li Lei', email: 'li.lei@example.com', language: 'zh-CN', topic: 'billing', page_url: 'https://shop.example.com/cart', department: 'sales' };

/** The app with its bus, base URL and readers of the contacts stream. */
export interface ChatTestApp {
  readonly app: ChatApp;
  readonly bus: IngestBus;
  readonly sessions: ChatSessionStore;
  readonly domain: string;
  readonly url: string;
  count(): Promise<number>;
  records(): Promise<ContactRecord[]>;
}

/** Builds and starts the app on `nc` with streams and the session bucket named for `scope`. */
export async function startChatApp(nc: NatsConnection, scope: TestScope, overrides: Partial<ChatAppDeps> = {}): Promise<ChatTestApp> {
  const names: BusNames = {
    contactsStream: scope.stream('CONTACTS'),
    routingStream: scope.stream('ROUTING'),
    deadLetterStream: scope.stream('DEADLETTER'),
    subjectRoot: `t${scope.id}`,
  };
  const bus = await createIngestBus(nc, names);
  await ensureStreams(bus.jsm, names);
  const sessions = await ChatSessionStore.open(nc, `CHATS_${scope.id.toUpperCase()}`, () => bus.isConnected());
  const app = await buildChatApp({
    logger: pino({ level: 'silent' }),
    publisher: createContactPublisher(bus, { timeoutMs: 1_000 }),
    bus,
    sessions,
    domain: scope.domain,
    readiness: () => bus.ready(),
    sessionSecret: SESSION_SECRET,
    identitySecret: IDENTITY_SECRET,
    abandonGraceMs: 50,
    typingIntervalMs: 0,
    rateLimit: false,
    retryDelaysMs: [],
    ...overrides,
  });
  const address = await app.http.listen({ host: '127.0.0.1', port: 0 });
  const count = async () => (await bus.jsm.streams.info(names.contactsStream)).state.messages;
  return {
    app,
    bus,
    sessions,
    domain: scope.domain,
    url: address,
    count,
    async records() {
      const out: ContactRecord[] = [];
      const total = await count();
      for (let seq = 1; seq <= total; seq++) out.push(ContactRecord.decode((await bus.jsm.streams.getMessage(names.contactsStream, { seq })).data));
      return out;
    },
  };
}

/** The identifier_hash the site's backend would compute. */
export function identifierHash(identifier: string): string {
  return hmacHex('sha256', IDENTITY_SECRET, identifier);
}

/** A visitor's socket that collects the server's frames. */
export interface Visitor {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[];
  send(frame: unknown): void;
  /** Waits until `n` frames have arrived. */
  next(n?: number): Promise<ServerFrame>;
  close(): Promise<void>;
}

/** Opens a visitor socket with the token in the query string. */
export async function openVisitor(baseUrl: string, sessionId: string, token: string): Promise<Visitor> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/ws?token=${encodeURIComponent(token)}`);
  const frames: ServerFrame[] = [];
  // Woken by each frame rather than polled: fuzz suites wait for thousands of them.
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as ServerFrame);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let read = 0;
  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async next() {
      if (frames.length <= read) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => { wake = undefined; reject(new Error('no frame from the server')); }, 5_000);
          wake = () => { clearTimeout(timer); wake = undefined; resolve(); };
        });
      }
      return frames[read++] as ServerFrame;
    },
    close: () => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    }),
  };
}

/** Creates a session over HTTP; returns its id and token. */
export async function createSession(baseUrl: string, form: Record<string, unknown> = FORM): Promise<{ sessionId: string; token: string }> {
  const res = await fetch(`${baseUrl}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) });
  if (res.status !== 201) throw new Error(`session not created: ${res.status} ${await res.text()}`);
  return (await res.json()) as { sessionId: string; token: string };
}

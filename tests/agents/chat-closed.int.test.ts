import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pino from 'pino';
import {
  Channel, ContactRecord, ContactUpdateKind, CustomerActionKind, GetQueueRequest, UpdateQueueRequest, type GetQueueResponse, type UpdateQueueResponse,
} from '@switchboard/contracts';
import { chatIngestService } from '@switchboard/ingest-chat';
import { actionText, createContactPublisher, createIngestBus, followUpConfirmedText, positionText } from '@switchboard/ingest-kit';
import type { RunningService } from '@switchboard/ingest-kit';
import { agentRules } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

const SESSION_SECRET = 'chat-closed-test-session-secret-0123456789';

interface Frame { readonly type: string; readonly kind?: string; readonly [key: string]: unknown }

/** Today's date where the queue lives. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * What a chat visitor lives through when the queue closes for a holiday while they wait: the
 * router, queue-service (its announcer and its QueueService) and ingest-chat on one bus; the
 * visitor, with no agent signed in, reads where they stand at the queue's cadence; a supervisor
 * adds today (Asia/Shanghai) as a holiday without windows through QueueService.UpdateQueue; the
 * engine closes the queue and expires the waiting contact (CLOSED), and the visitor reads the
 * closed message in their language, with the queue's offer to leave an email address, which
 * becomes a follow-up contact.
 */
describe('a chat visitor when the queue closes for a holiday', () => {
  let mesh: Mesh;
  let chat: RunningService;
  let url: string;

  beforeAll(async () => {
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], announceEverySeconds: 10 };
    mesh = await Mesh.start({ rules, agents: [], announceTickMs: 200 });
    const bus = await createIngestBus(mesh.nats.nc, mesh.names);
    chat = await chatIngestService.start({
      config: { natsUrl: mesh.nats.url, domain: mesh.domain, host: '127.0.0.1', ports: { http: 0 } },
      env: { CHAT_SESSION_SECRET: SESSION_SECRET, CHAT_SESSION_BUCKET: `CHATS_${mesh.scope.id.toUpperCase()}`, CHAT_ABANDON_GRACE_MS: '200' },
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      bus,
      publisher: createContactPublisher(bus, { timeoutMs: 2_000 }),
    });
    const address = chat.http!.server.address();
    if (address === null || typeof address === 'string') throw new Error('chat is not listening on a port');
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await chat?.close();
    await mesh?.close();
  });

  it('receives position frames, then the closed message when the queue closes for a holiday', async () => {
    const created = await fetch(`${url}/v1/sessions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '李雷', language: 'zh-CN', topic: 'billing', page_url: 'https://shop.example.com/cart' }),
    });
    expect(created.status).toBe(201);
    const { sessionId, token } = (await created.json()) as { sessionId: string; token: string };
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/ws?token=${encodeURIComponent(token)}`);
    const frames: Frame[] = [];
    let closedWith: number | undefined;
    socket.on('message', (data: WebSocket.RawData) => frames.push(JSON.parse(String(data)) as Frame));
    socket.on('close', (code) => { closedWith = code; });
    await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
    socket.send(JSON.stringify({ type: 'message', id: 'm1', text: '我的账单有问题' }));
    await until('the ack', () => frames.some((f) => f.type === 'ack') || undefined);

    // Nobody is signed in: the visitor waits, first in line, and is told so at once and 10 s later.
    const positions = await until('two position frames', () => {
      const seen = frames.filter((f) => f.kind === 'position');
      return seen.length >= 2 ? seen : undefined;
    }, 25_000);
    for (const p of positions.slice(0, 2)) {
      expect(p).toMatchObject({ type: 'system', kind: 'position', position: 1, callbackOffered: false, callbackRequested: false });
      expect(p.text).toBe(positionText('zh', 1, p.estimatedWaitSeconds as number));
    }

    // A supervisor closes today for the holiday, and asks for an email address in that case.
    const sup = await mesh.auth('lead', 'supervisor');
    const { queue } = await call<GetQueueRequest, GetQueueResponse>(mesh.queueClient.getQueue.bind(mesh.queueClient),
      GetQueueRequest.fromPartial({ domain: mesh.domain, queueId: 'general' }), sup);
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: [{ open: '00:00', close: '24:00' }] }));
    await call<UpdateQueueRequest, UpdateQueueResponse>(mesh.queueClient.updateQueue.bind(mesh.queueClient), UpdateQueueRequest.fromPartial({
      queue: {
        ...queue!,
        hours: { timeZone: 'Asia/Shanghai', weekly: everyDay, holidays: [{ date: todayIn('Asia/Shanghai'), name: '节假日', windows: [] }] },
        closedAction: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_LEAVE_EMAIL, targetQueueId: '', message: [] },
      },
    }), sup);

    const closed = await until('the closed frame', () => frames.find((f) => f.kind === 'closed'), 10_000);
    expect(closed).toMatchObject({
      type: 'system', kind: 'closed', reason: 'CLOSED', action: 'LEAVE_EMAIL', offer: 'leave-email',
      text: actionText('zh', 'CLOSED', { kind: 'LEAVE_EMAIL' }),
    });
    expect(closed.text).toMatch(/非工作时间.*电子邮箱/);
    expect(Date.parse(closed.offerExpiresAt as string)).toBeGreaterThan(Date.now());
    const events = await mesh.routingEvents();
    const contactId = events.find((e) => e.channel === Channel.CHANNEL_CHAT && e.expired)?.contactId;
    expect(events.find((e) => e.contactId === contactId && e.expired)?.expired?.reason).toBe('CLOSED');
    // No more positions once the wait is over.
    const positionsBefore = frames.filter((f) => f.kind === 'position').length;

    // The socket stays open for the offer: the visitor leaves an address, which becomes a follow-up contact.
    socket.send(JSON.stringify({ type: 'leave-email', address: 'li.lei@example.com', message: '请发邮件告诉我账单的情况' }));
    const confirmed = await until('the follow-up confirmation', () => frames.find((f) => f.kind === 'follow-up-confirmed'));
    expect(confirmed).toMatchObject({ via: 'email', duplicate: false, text: followUpConfirmedText('zh', 'email') });
    await until('the end of the chat', () => (closedWith !== undefined ? closedWith : undefined));
    expect(closedWith).toBe(1000);
    expect(frames.at(-1)).toEqual({ type: 'system', kind: 'ended', reason: 'follow-up' });
    expect(frames.filter((f) => f.kind === 'position').length).toBe(positionsBefore);

    await new Promise((r) => setTimeout(r, 1_000)); // past the abandonment grace
    const records: ContactRecord[] = [];
    const { state } = await mesh.nats.jsm.streams.info(mesh.names.contactsStream);
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      records.push(ContactRecord.decode((await mesh.nats.jsm.streams.getMessage(mesh.names.contactsStream, { seq })).data));
    }
    const followUp = records.find((r) => r.arrived?.intent === 'follow-up-email')?.arrived;
    expect(followUp).toMatchObject({
      customer: { emailAddress: 'li.lei@example.com', language: 'zh-CN' }, historyContactIds: [contactId], summary: '请发邮件告诉我账单的情况',
      channelIds: { chatSessionId: sessionId },
    });
    // The visitor chose nothing that the engine should read as leaving: no ABANDONED for the closed contact.
    expect(records.some((r) => r.update?.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED)).toBe(false);
  }, 60_000);
});

// A simulated agent desktop as its own process (the agent side of the cross-service trace test):
// it signs in over the router's command API, and on each offer continues the trace found in the
// offer's notification (each event carries its trace context): accept, then complete, each a
// request carrying `traceparent`.
import { writeFileSync } from 'node:fs';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { agentSubject, DEFAULT_BUS_NAMES } from '@switchboard/bus';
import { agentEventsOf, CommandSigner } from '@switchboard/router-api';
import { extractFromTraceCarrier, getTracer, injectIntoNatsHeaders, startTelemetry, withNatsProcessSpan, withSpan } from '@switchboard/telemetry';

const telemetry = startTelemetry({ service: 'agent-desk' });
const tracer = getTracer('switchboard-test-desk');
const env = process.env;
const domain = env.DESK_DOMAIN ?? 'default';
const agentId = env.DESK_AGENT_ID ?? 'agent-1';
const subject = `${DEFAULT_BUS_NAMES.subjectRoot}.router.${domain}.cmd`;
let seq = 0;
// The test starts this process with the test keys (testkit's ServiceProcess); it signs as the operator.
const signer = CommandSigner.fromEnv('operator');

/** Sends a command with the active trace context until the router records it. */
async function command(nc: NatsConnection, body: Record<string, unknown>): Promise<void> {
  const id = `${agentId}-${process.pid}-${++seq}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const data = new TextEncoder().encode(JSON.stringify({ id, command: body }));
    const h = signer.headers(subject, data, injectIntoNatsHeaders(natsHeaders()));
    const reply = await nc.request(subject, data, { timeout: 2_000, headers: h })
      .then((m) => JSON.parse(new TextDecoder().decode(m.data)) as { ok: boolean; code?: string }, () => ({ ok: false, code: 'UNAVAILABLE' }));
    if (reply.ok) return;
    if (reply.code !== 'UNAVAILABLE') throw new Error(`${String(body.type)} refused: ${reply.code}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const nc = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222', name: `desk ${agentId}` });
nc.subscribe(agentSubject(DEFAULT_BUS_NAMES, domain, agentId), {
  callback: (error, msg) => {
    if (error) return;
    for (const { event, traceContext } of agentEventsOf(msg.data)) {
      if (!event.offered) continue;
      const parent = extractFromTraceCarrier(traceContext, ROOT_CONTEXT);
      void withNatsProcessSpan(tracer, { subject: msg.subject, subjectTemplate: 'sb.agent.{domain}.{agentId}', parent }, () =>
        withSpan(tracer, 'desk handle offer', { 'switchboard.contact.id': event.contactId, 'switchboard.agent.id': agentId }, async () => {
          await command(nc, { type: 'ACCEPT', contactId: event.contactId, agentId, offerToken: event.offered!.reservationToken });
          await new Promise((r) => setTimeout(r, Number(env.DESK_HANDLE_MS ?? 300))); // the conversation
          await command(nc, { type: 'COMPLETE', contactId: event.contactId, agentId, disposition: 'resolved' });
        }, { kind: SpanKind.INTERNAL }));
    }
  },
});
await nc.flush();
await command(nc, { type: 'SIGN_IN', agent: { id: agentId, skills: {}, languages: [], team: 'general', capacity: { phone: 1, chat: 2 }, queues: [{ queueId: 'general', priority: 1 }] } });
if (env.DESK_READY_FILE) writeFileSync(env.DESK_READY_FILE, 'ready');

process.once('SIGTERM', () => {
  void nc.drain().then(() => telemetry.shutdown()).then(() => process.exit(0));
});

import type { Msg, Subscription } from 'nats';
import { getTracer, withNatsProcessSpan } from '@switchboard/telemetry';
import type { RoutingCommand } from '@switchboard/routing-core';
import { isRoutingError } from '@switchboard/routing-core';
import type { z } from 'zod';
import type { DomainPort, WorkerDeps } from '../worker/domain-worker.js';
import { commandRequestSchema, CommandVerifier, queryRequestSchema, routerSubjects, type CommandSender } from '@switchboard/router-api';

const tracer = getTracer('@switchboard/router');

/** Reply shapes: `{ ok: true, ... }` or `{ ok: false, code, message }` with a reason a person can act on. */
type Reply = Record<string, unknown> & { ok: boolean };

/**
 * Serves the owner's command and query subjects; only the lease holder subscribes. A command is
 * taken only when signed by a sender `verifier` knows and of a kind that sender may send; any
 * other gets `PERMISSION_DENIED` with the reason and a warning in the log, and changes nothing.
 */
export function serveCommandApi(worker: DomainPort, deps: WorkerDeps, verifier: CommandVerifier): Subscription[] {
  const subjects = routerSubjects(deps.names.subjectRoot, worker.domain);
  const logger = deps.logger.child({ component: 'command-api', domain: worker.domain });
  const serve = (subject: string, handle: (body: unknown, msg: Msg) => Promise<Reply> | Reply) =>
    deps.nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return;
        // A desktop's accept/complete carries the offer's trace context: the command, its
        // events and the notifications it causes join the contact's trace.
        void withNatsProcessSpan(tracer, { subject, headers: msg.headers }, () => respond(msg, handle));
      },
    });
  return [
    serve(subjects.command, (body, msg) => {
      const refuse = (sender: string, reason: string, kind?: string): Reply => {
        logger.warn({ sender, kind, reason }, 'command refused');
        return { ok: false, code: 'PERMISSION_DENIED', message: `command refused: ${reason}` };
      };
      const check = verifier.verify(subjects.command, msg.data, msg.headers, deps.clock());
      if (!check.ok) return refuse(check.sender, check.reason);
      return runCommand(worker, body, check.sender, refuse);
    }),
    serve(subjects.query, (body) => runQuery(worker, body)),
  ];
}

async function respond(msg: Msg, handle: (body: unknown, msg: Msg) => Promise<Reply> | Reply): Promise<void> {
  let reply: Reply;
  try {
    reply = await handle(JSON.parse(new TextDecoder().decode(msg.data)), msg);
  } catch (error) {
    reply = error instanceof SyntaxError
      ? { ok: false, code: 'INVALID_ARGUMENT', message: `body is not JSON: ${error.message}` }
      : { ok: false, code: 'UNAVAILABLE', message: 'the router could not take the command now; retry' };
  }
  msg.respond(new TextEncoder().encode(JSON.stringify(reply)));
}

function invalid(error: z.ZodError): Reply {
  const issue = error.issues[0]!;
  return { ok: false, code: 'INVALID_ARGUMENT', field: issue.path.join('.'), message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
}

async function runCommand(worker: DomainPort, body: unknown, sender: CommandSender, refuse: (sender: string, reason: string, kind: string) => Reply): Promise<Reply> {
  const parsed = commandRequestSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const command = parsed.data.command as RoutingCommand;
  if (!CommandVerifier.allows(sender, command.type)) return refuse(sender, `${sender} may not send ${command.type}`, command.type);
  try {
    const submitted = await worker.submit(parsed.data.id ? `req:${parsed.data.id}` : '', command);
    // Committed but not yet on ROUTING: if Redis were lost now, so would the command be. Tell the
    // caller to retry with the same id; the retry is idempotent and answers once it is recorded.
    if (!submitted.relayed) return { ok: false, code: 'UNAVAILABLE', message: 'command accepted but not yet recorded; retry with the same id' };
    if (submitted.kind === 'duplicate') return { ok: true, duplicate: true };
    return { ok: true, outcome: submitted.result.outcome, events: submitted.result.events.map((e) => e.type) };
  } catch (error) {
    if (isRoutingError(error)) return { ok: false, code: error.code, message: error.message, ...(error.code === 'ROUTING.INVALID_DISPOSITION' ? { field: 'disposition' } : {}) };
    throw error;
  }
}

function runQuery(worker: DomainPort, body: unknown): Reply {
  const parsed = queryRequestSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const engine = worker.live;
  const q = parsed.data;
  switch (q.query) {
    case 'contact': {
      const reply = found('contact', engine.contact(q.contactId), q.contactId);
      const context = worker.live.contextOf(q.contactId);
      return reply.ok && context ? { ...reply, context } : reply;
    }
    case 'agent': return found('agent', engine.agent(q.agentId), q.agentId);
    case 'queue': return found('queue', engine.queue(q.queueId) && { config: engine.queue(q.queueId), depth: engine.queueDepth(q.queueId), mode: engine.queueMode(q.queueId) }, q.queueId);
    case 'position': return { ok: true, position: engine.position(q.contactId) ?? null, contact: engine.contact(q.contactId) ?? null };
    case 'waiting': return { ok: true, contacts: engine.waitingContacts(q.queueId, q.limit) };
    case 'queues': return { ok: true, queues: engine.snapshot().queues.map((q) => ({ ...q, config: engine.queue(q.queueId), mode: engine.queueMode(q.queueId) })) };
    case 'agents': return { ok: true, agents: engine.agents() };
    case 'snapshot': return { ok: true, snapshot: engine.snapshot() };
  }
}

function found(name: string, value: unknown, id: string): Reply {
  return value === undefined ? { ok: false, code: 'NOT_FOUND', message: `no live ${name} "${id}"` } : { ok: true, [name]: value };
}

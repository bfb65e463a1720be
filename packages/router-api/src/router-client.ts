import { headers as natsHeaders, type NatsConnection } from 'nats';
import { injectIntoNatsHeaders } from '@switchboard/telemetry';
import type { RoutingCommand } from '@switchboard/routing-core';
import type { CommandSigner } from './command-auth.js';
import { routerSubjects } from './subjects.js';

/** The router's answer to a command or query. */
export type RouterReply = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string; field?: string };

/**
 * Talks to a domain's router over NATS request/reply: used by the agent gateway, the queue
 * service and tests. Requests go to whichever replica owns the domain now. Commands are signed
 * with `signer`; without one they go unsigned and the router refuses them (`PERMISSION_DENIED`),
 * which is all a query-only client (ops) needs.
 */
export class RouterClient {
  private readonly subjects: { command: string; query: string };

  constructor(private readonly nc: NatsConnection, readonly domain: string, subjectRoot = 'sb', private readonly timeoutMs = 5_000,
    private readonly signer?: CommandSigner) {
    this.subjects = routerSubjects(subjectRoot, domain);
  }

  /** Sends a command; `id` makes a retried request idempotent. */
  command(command: RoutingCommand, id?: string): Promise<RouterReply> {
    return this.request(this.subjects.command, id ? { id, command } : { command }, this.signer);
  }

  query(query: Record<string, unknown> & { query: string }): Promise<RouterReply> {
    return this.request(this.subjects.query, query);
  }

  private async request(subject: string, body: unknown, signer?: CommandSigner): Promise<RouterReply> {
    // The caller's trace context rides along, so the router's span joins the caller's trace.
    const headers = injectIntoNatsHeaders(natsHeaders());
    const data = new TextEncoder().encode(JSON.stringify(body));
    if (signer) signer.headers(subject, data, headers);
    const reply = await this.nc.request(subject, data, { timeout: this.timeoutMs, headers });
    return JSON.parse(new TextDecoder().decode(reply.data)) as RouterReply;
  }
}

import { randomUUID } from 'node:crypto';
import type { RouterClient } from '@switchboard/router-api';
import { status } from '@grpc/grpc-js';
import { callRouter, RpcError } from '@switchboard/grpc-edge';
import type { AgentView, ContactView, RoutingCommand } from '@switchboard/routing-core';
import { Contact } from '@switchboard/contracts';

/**
 * The gateway's calls to its domain's router. Each command gets one request id for all its
 * retries, so a retry after UNAVAILABLE is applied at most once.
 */
export class RouterLink {
  constructor(private readonly client: RouterClient) {}

  /** @throws RpcError mapped from the router's reply (see callRouter). */
  async command(command: RoutingCommand): Promise<{ outcome?: { kind: string } }> {
    const id = `gw:${randomUUID()}`;
    return (await callRouter(() => this.client.command(command, id))) as { outcome?: { kind: string } };
  }

  /** The live contact, or undefined when the router does not know it (ended or never seen). */
  contact(contactId: string): Promise<ContactView | undefined> {
    return this.find<ContactView>({ query: 'contact', contactId }, 'contact');
  }

  /**
   * The contact's platform context (customer, channel ids, summary, conversation history) the
   * router keeps beside the live contact, or undefined when it has none.
   */
  async contactContext(contactId: string): Promise<Contact | undefined> {
    return (await this.contactWithContext(contactId)).context;
  }

  /**
   * The live contact and its platform context from one query (the router answers both in the same
   * reply); `view` is undefined when the router does not know the contact. A context that does not
   * parse is left out, as a failed context lookup is.
   */
  async contactWithContext(contactId: string): Promise<{ view?: ContactView; context?: Contact }> {
    let reply: Awaited<ReturnType<RouterClient['query']>>;
    try {
      reply = await callRouter(() => this.client.query({ query: 'contact', contactId }));
    } catch (error) {
      if (error instanceof RpcError && error.code === status.NOT_FOUND) return {};
      throw error;
    }
    const view = reply.contact as ContactView | undefined;
    let context: Contact | undefined;
    try {
      context = reply.context ? Contact.fromJSON(reply.context) : undefined;
    } catch {
      context = undefined;
    }
    return { ...(view ? { view } : {}), ...(context ? { context } : {}) };
  }

  /** The signed-in agent, or undefined. */
  agent(agentId: string): Promise<AgentView | undefined> {
    return this.find<AgentView>({ query: 'agent', agentId }, 'agent');
  }

  /** The queue's wrap-up time (seconds); 0 when the queue is unknown. */
  async queueWrapUpSeconds(queueId: string): Promise<number> {
    const queue = await this.find<{ config?: { wrapUpSeconds?: number } }>({ query: 'queue', queueId }, 'queue');
    return queue?.config?.wrapUpSeconds ?? 0;
  }

  private async find<T>(query: { query: string; [key: string]: unknown }, field: string): Promise<T | undefined> {
    try {
      return (await callRouter(() => this.client.query(query)))[field] as T;
    } catch (error) {
      if (error instanceof RpcError && error.code === status.NOT_FOUND) return undefined;
      throw error;
    }
  }
}

import type { NatsConnection } from 'nats';
import { RouterClient, type CommandSigner } from '@switchboard/router-api';

/** Domains whose router client is kept at most (the least recently used are dropped first). */
export const MAX_ROUTER_CLIENTS = 1_000;

/**
 * One router client per domain, reused. Requests name their domain, so the clients are capped:
 * a client holds only its subjects, and one dropped is rebuilt on the next request for its domain.
 */
export function routerClients(nc: NatsConnection, subjectRoot: string, max = MAX_ROUTER_CLIENTS, signer?: CommandSigner): { get(domain: string): RouterClient; readonly size: number } {
  const clients = new Map<string, RouterClient>();
  return {
    get(domain) {
      let client = clients.get(domain);
      if (client) clients.delete(domain);
      else client = new RouterClient(nc, domain, subjectRoot, 5_000, signer);
      clients.set(domain, client);
      if (clients.size > max) clients.delete(clients.keys().next().value!);
      return client;
    },
    get size() {
      return clients.size;
    },
  };
}

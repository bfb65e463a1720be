import { randomBytes } from 'node:crypto';
import { COMMAND_SENDER_NAMES, commandKeyVariable } from '@switchboard/router-api';

/**
 * The router's command-signing keys for one `pnpm start`: each sender's key from the
 * environment when set, else a random one for this run (the launcher hands the same values to the
 * router, the gateway, the queue service and its own demo, so nothing needs to persist). The
 * launcher's NATS stays open (development); only the command intake is locked.
 */
export function devCommandKeyEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(COMMAND_SENDER_NAMES.map((sender) => {
    const name = commandKeyVariable(sender);
    return [name, env[name] || randomBytes(32).toString('base64url')];
  }));
}

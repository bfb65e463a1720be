import { randomBytes } from 'node:crypto';

/** The router's command-key variables (`commandKeyVariable` in @switchboard/router-api), one per sender. */
const COMMAND_KEY_VARIABLES = ['ROUTER_COMMAND_KEY_AGENT_GATEWAY', 'ROUTER_COMMAND_KEY_QUEUE_SERVICE', 'ROUTER_COMMAND_KEY_OPERATOR'] as const;

let keys: Readonly<Record<string, string>> | undefined;

/**
 * Command-signing keys for every sender, random once per test process. Every service process a
 * test starts gets them ({@link ServiceProcess}), so its routers, gateways and queue services
 * agree, and the test signs its own commands with the operator's key.
 */
export function testCommandKeyEnv(): Readonly<Record<string, string>> {
  keys ??= Object.fromEntries(COMMAND_KEY_VARIABLES.map((name) => [name, randomBytes(32).toString('base64url')]));
  return keys;
}

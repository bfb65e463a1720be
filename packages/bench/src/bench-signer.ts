import type { MsgHdrs } from 'nats';
import { CommandSigner } from '@switchboard/router-api';
import { testCommandKeyEnv } from '@switchboard/testkit';

/**
 * The benches send desk commands to the router directly, signed as the operator with the keys
 * testkit hands every router process it starts. One HMAC per command, as for every sender.
 */
const signer = CommandSigner.fromEnv('operator', testCommandKeyEnv());

/** Headers that sign `body` for `subject`. */
export function signedCommand(subject: string, body: Uint8Array): { headers: MsgHdrs } {
  return { headers: signer.headers(subject, body) };
}

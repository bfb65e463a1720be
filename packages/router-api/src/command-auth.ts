import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { headers as natsHeaders, type MsgHdrs } from 'nats';
import { readSecretEnv } from '@switchboard/bus';
import type { RoutingCommand } from '@switchboard/routing-core';

/**
 * Who may send the router which commands. A subscriber cannot see which NATS user published a
 * message, so each command carries its sender's name and an HMAC-SHA256 over the subject, the
 * sender, the time and the body with that sender's key; the router checks it and the sender's
 * allowed kinds before anything else. NATS permissions already keep other users off the command
 * subject; the signature makes the sender's identity something the router can verify.
 */
export const COMMAND_SENDERS = {
  /** Desk commands (its desktops' sign-in, offers, conversations) and supervisors' actions. */
  'agent-gateway': ['SIGN_IN', 'SIGN_OUT', 'SET_PRESENCE', 'ACCEPT', 'DECLINE', 'COMPLETE', 'END_WRAP_UP', 'TRANSFER', 'ABANDON'],
  /** Queue configuration, a platform cancelling a waiting contact, reprioritizing. */
  'queue-service': ['UPSERT_QUEUE', 'ABANDON', 'REPRIORITIZE', 'REQUEST_CALLBACK', 'SET_SURGE', 'SCORE_QA_REVIEW'],
  /** The operator's tools on a development mesh: the demo's simulated desks, benches, tests. Never deployed. */
  operator: ['UPSERT_QUEUE', 'SIGN_IN', 'SIGN_OUT', 'SET_PRESENCE', 'ACCEPT', 'DECLINE', 'COMPLETE', 'END_WRAP_UP', 'REPRIORITIZE', 'ABANDON', 'TRANSFER', 'REQUEST_CALLBACK', 'CALLBACK_FAILED', 'SET_SURGE', 'SCORE_QA_REVIEW'],
} as const satisfies Record<string, readonly RoutingCommand['type'][]>;
export type CommandSender = keyof typeof COMMAND_SENDERS;
export const COMMAND_SENDER_NAMES = Object.keys(COMMAND_SENDERS) as CommandSender[];

/** Header names of a signed command. */
export const COMMAND_HEADERS = { sender: 'Sb-Command-Sender', signedAt: 'Sb-Command-Signed-At', signature: 'Sb-Command-Signature' } as const;

/** How far a command's signing time may be from the router's clock: bounds replays of a captured command. */
export const COMMAND_SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Shortest key accepted: 32 characters (the generated ones are 43, 256 bits in base64url). */
export const MIN_COMMAND_KEY_LENGTH = 32;

/** The environment variable holding `sender`'s key (also as `<name>_FILE`), on the sender and on the router. */
export function commandKeyVariable(sender: CommandSender): string {
  return `ROUTER_COMMAND_KEY_${sender.toUpperCase().replace(/-/g, '_')}`;
}

/** A command key missing or too short; the message names the variable. */
export class CommandKeyError extends Error {
  override readonly name = 'CommandKeyError';
  readonly code = 'CONFIG.COMMAND_KEY';
}

function checkKey(sender: CommandSender, key: string): string {
  if (key.length < MIN_COMMAND_KEY_LENGTH) throw new CommandKeyError(`${commandKeyVariable(sender)} must be at least ${MIN_COMMAND_KEY_LENGTH} characters`);
  return key;
}

function mac(key: KeyObject, subject: string, sender: string, signedAt: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`sb-cmd-v1\n${subject}\n${sender}\n${signedAt}\n`).update(body).digest();
}

/** Signs the commands one sender sends. */
export class CommandSigner {
  private readonly key: KeyObject;

  constructor(readonly sender: CommandSender, key: string) {
    this.key = createSecretKey(Buffer.from(checkKey(sender, key)));
  }

  /**
   * The sender's signer from `ROUTER_COMMAND_KEY_<SENDER>` (or `_FILE`).
   * @throws CommandKeyError when it is missing or short: the router refuses unsigned commands, so a sender without its key could do nothing.
   */
  static fromEnv(sender: CommandSender, env: Readonly<Record<string, string | undefined>> = process.env): CommandSigner {
    const key = readSecretEnv(env, commandKeyVariable(sender));
    if (!key) throw new CommandKeyError(`${commandKeyVariable(sender)} (or ${commandKeyVariable(sender)}_FILE) is not set: the router refuses commands that ${sender} does not sign`);
    return new CommandSigner(sender, key);
  }

  /** The headers to send with `body` on `subject`. */
  sign(subject: string, body: Uint8Array, nowMs: number = Date.now()): Record<string, string> {
    const signedAt = String(nowMs);
    return {
      [COMMAND_HEADERS.sender]: this.sender,
      [COMMAND_HEADERS.signedAt]: signedAt,
      [COMMAND_HEADERS.signature]: mac(this.key, subject, this.sender, signedAt, body).toString('base64url'),
    };
  }

  /** The same as NATS headers, added to `into` when given (for callers that request the subject themselves). */
  headers(subject: string, body: Uint8Array, into: MsgHdrs = natsHeaders()): MsgHdrs {
    for (const [name, value] of Object.entries(this.sign(subject, body))) into.set(name, value);
    return into;
  }
}

/** What the router makes of a command's sender. */
export type SenderCheck = { readonly ok: true; readonly sender: CommandSender } | { readonly ok: false; readonly sender: string; readonly reason: string };

/** Checks signed commands on the router's side: the senders' keys and what each may send. */
export class CommandVerifier {
  private readonly keys: ReadonlyMap<CommandSender, KeyObject>;

  constructor(keys: Partial<Record<CommandSender, string>>) {
    const entries = Object.entries(keys).filter((e): e is [CommandSender, string] => typeof e[1] === 'string' && e[1] !== '');
    for (const [sender, key] of entries) {
      if (!(sender in COMMAND_SENDERS)) throw new CommandKeyError(`unknown command sender "${sender}"`);
      checkKey(sender, key);
    }
    if (entries.length === 0) throw new CommandKeyError(`no command key is set (${COMMAND_SENDER_NAMES.map(commandKeyVariable).join(', ')}): the router would refuse every command`);
    this.keys = new Map(entries.map(([sender, key]) => [sender, createSecretKey(Buffer.from(key))]));
  }

  /**
   * The keys of every sender set in `env` (`ROUTER_COMMAND_KEY_<SENDER>` or `_FILE`).
   * @throws CommandKeyError when none is set or one is short.
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): CommandVerifier {
    return new CommandVerifier(Object.fromEntries(COMMAND_SENDER_NAMES.map((s) => [s, readSecretEnv(env, commandKeyVariable(s))])));
  }

  /** The senders the router has keys for. */
  get senders(): readonly CommandSender[] {
    return [...this.keys.keys()];
  }

  /** Whether the message on `subject` was signed by a sender the router knows, within the window. */
  verify(subject: string, body: Uint8Array, headers: { get(key: string): string } | undefined, nowMs: number = Date.now()): SenderCheck {
    const sender = headers?.get(COMMAND_HEADERS.sender) ?? '';
    if (!headers || sender === '') return { ok: false, sender: '', reason: 'the command is not signed (no Sb-Command-Sender header)' };
    const key = this.keys.get(sender as CommandSender);
    if (!key) return { ok: false, sender, reason: `unknown command sender "${sender}"` };
    const signedAt = headers.get(COMMAND_HEADERS.signedAt);
    const at = Number(signedAt);
    if (!Number.isSafeInteger(at) || Math.abs(nowMs - at) > COMMAND_SIGNATURE_WINDOW_MS) {
      return { ok: false, sender, reason: `signing time ${JSON.stringify(signedAt)} is not within ${COMMAND_SIGNATURE_WINDOW_MS / 60_000} minutes of the router's clock` };
    }
    const given = Buffer.from(headers.get(COMMAND_HEADERS.signature), 'base64url');
    const expected = mac(key, subject, sender, signedAt, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, sender, reason: 'the signature does not match the command' };
    return { ok: true, sender: sender as CommandSender };
  }

  /** Whether `sender` may send a command of `kind`. */
  static allows(sender: CommandSender, kind: string): boolean {
    return (COMMAND_SENDERS[sender] as readonly string[]).includes(kind);
  }
}

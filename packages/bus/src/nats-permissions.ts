import { checkpointBucket } from './checkpoint-archive.js';
import { DEFAULT_BUS_NAMES, type BusNames } from './names.js';
import { inboxPrefixOf } from './connection.js';

/**
 * Who may do what on a locked NATS server: one user per service, each allowed only the subjects
 * its code uses (read from the code, 2026-12: which streams, consumers, KV buckets and object
 * stores each service creates, writes or reads). What nobody but the `admin` user gets: stream
 * DELETE on any stream, PURGE on any stream but the router's own checkpoint store (an object store
 * put purges the replaced object's chunks), stream UPDATE except by the router (the streams'
 * limits decide what JetStream forgets; an update can shrink them).
 */
export interface NatsPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** May answer requests it received (the router's command and query replies). */
  readonly allowResponses?: boolean;
}

/** The services that connect to NATS, each under its own user of that name. */
export const BUS_SERVICES = [
  'router', 'agent-gateway', 'queue-service', 'ops',
  'ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc', 'ingest-all',
] as const;
export type BusService = (typeof BUS_SERVICES)[number];

/** The channel each single-channel ingestion service publishes contacts on (ingest-kit's CHANNEL_TOKENS); ingest-grpc takes any. */
const INGEST_CHANNEL: Readonly<Record<string, string>> = { 'ingest-phone': 'phone', 'ingest-email': 'email', 'ingest-chat': 'chat', 'ingest-wechat': 'wechat' };

/** KV buckets and object stores of the ingestion services (their defaults in each service). */
const INGEST_BUCKETS: Readonly<Record<string, readonly string[]>> = {
  'ingest-phone': ['ingest_replay_nonces'],
  'ingest-email': ['email_conversations', 'email_message_ids', 'email_reply_targets', 'ingest_replay_nonces'],
  'ingest-chat': ['chat_sessions'],
  'ingest-wechat': ['wechat_conversations', 'wechat_kf_cursors', 'wechat_kf_replies', 'ingest_replay_nonces'],
  'ingest-grpc': [],
};

const api = (rest: string) => `$JS.API.${rest}`;

/** Looks a stream up and creates it when missing (never updates it: `ensureStreams` without `update`). */
const ensureStream = (stream: string) => [api(`STREAM.INFO.${stream}`), api(`STREAM.CREATE.${stream}`)];

/** Pull consumers (durable, ephemeral and ordered) on a stream, and acking what they deliver. */
const readStream = (stream: string) => [
  api(`STREAM.INFO.${stream}`),
  api(`CONSUMER.CREATE.${stream}`), api(`CONSUMER.CREATE.${stream}.>`), api(`CONSUMER.DURABLE.CREATE.${stream}.>`),
  api(`CONSUMER.INFO.${stream}.>`), api(`CONSUMER.DELETE.${stream}.>`), api(`CONSUMER.MSG.NEXT.${stream}.>`),
  `$JS.ACK.${stream}.>`,
];

/** A KV bucket's stream: open (create when missing), read, write, watch. */
const kvBucket = (bucket: string) => [
  ...ensureStream(`KV_${bucket}`), ...readStream(`KV_${bucket}`),
  api(`STREAM.MSG.GET.KV_${bucket}`), api(`DIRECT.GET.KV_${bucket}`), api(`DIRECT.GET.KV_${bucket}.>`),
  `$KV.${bucket}.>`,
];

/** The JetStream API every JetStream user calls: account info, and the stream name lookups of the KV and object views. */
const JS_COMMON = [api('INFO'), api('STREAM.NAMES')];

/** The permissions of `service` under the deployment's names (each subject once). */
export function servicePermissions(service: BusService, names: BusNames = DEFAULT_BUS_NAMES): NatsPermissions {
  const p = permissionsOf(service, names);
  return { ...p, publish: [...new Set(p.publish)], subscribe: [...new Set(p.subscribe)] };
}

function permissionsOf(service: BusService, names: BusNames): NatsPermissions {
  const root = names.subjectRoot;
  const { contactsStream: contacts, routingStream: routing, deadLetterStream: dlq } = names;
  const inbox = [`${inboxPrefixOf(service)}.>`];
  const streams = [contacts, routing, dlq].flatMap(ensureStream);
  const deadLetter = `${root}.dlq.>`;
  const routerCommands = [`${root}.router.*.cmd`, `${root}.router.*.query`];
  if (service === 'router') {
    const archive = checkpointBucket(names);
    return {
      publish: [
        `${root}.routing.>`, `${root}.agent.>`, deadLetter, `$O.${archive}.>`,
        ...JS_COMMON, ...streams, ...[contacts, routing, dlq].map((s) => api(`STREAM.UPDATE.${s}`)),
        ...readStream(contacts), ...readStream(routing),
        ...ensureStream(`OBJ_${archive}`), ...readStream(`OBJ_${archive}`), api(`STREAM.PURGE.OBJ_${archive}`),
        api(`STREAM.MSG.GET.OBJ_${archive}`), api(`DIRECT.GET.OBJ_${archive}`), api(`DIRECT.GET.OBJ_${archive}.>`),
      ],
      subscribe: [...routerCommands, ...inbox],
      allowResponses: true,
    };
  }
  if (service === 'agent-gateway') return { publish: routerCommands, subscribe: [`${root}.agent.>`, ...inbox] };
  // QueueService's Enqueue is a platform's way in (JWT-authenticated): it publishes contacts as ingestion does.
  // Its announcer tells waiting customers where they stand (CustomerNotice on `<root>.customer.<domain>.<channel>`).
  if (service === 'queue-service') {
    return { publish: [...routerCommands, `${root}.contacts.>`, `${root}.customer.>`, ...JS_COMMON, ...streams, ...readStream(routing)], subscribe: inbox };
  }
  if (service === 'ops') {
    return { publish: [`${root}.router.*.query`, deadLetter, ...JS_COMMON, ...streams, ...readStream(contacts), ...readStream(routing)], subscribe: inbox };
  }
  const members = service === 'ingest-all' ? Object.keys(INGEST_BUCKETS) : [service];
  const buckets = [...new Set(members.flatMap((m) => INGEST_BUCKETS[m] ?? []))];
  // A single-channel service may publish only its own channel's contacts: a compromised chat
  // ingest cannot forge phone calls.
  const channel = INGEST_CHANNEL[service];
  const contactSubjects = channel ? `${root}.contacts.*.${channel}` : `${root}.contacts.>`;
  // Each channel hears the notices for its own customers (email customers get no position notices).
  const notices = channel === undefined ? (service === 'ingest-all' ? [`${root}.customer.>`] : []) : channel === 'email' ? [] : [`${root}.customer.*.${channel}`];
  // ingest-chat relays a session's system frames to the replica holding its socket (`chatSessionSubject`).
  const chatRelay = service === 'ingest-chat' || service === 'ingest-all' ? [`${root}.chat.*.*`] : [];
  return {
    publish: [contactSubjects, deadLetter, ...chatRelay, ...JS_COMMON, ...streams, ...readStream(routing), ...buckets.flatMap(kvBucket)],
    subscribe: [...notices, ...chatRelay, ...inbox],
  };
}

/** One user of the server's `authorization` block; `password` is written as given (a `$VARIABLE` or a quoted literal). */
export interface NatsUserEntry {
  readonly user: string;
  /** A NATS config value: `$PW_ROUTER` (defined in an included file) or `"literal"`. */
  readonly password: string;
  /** None: every subject (the operator's `admin` user). */
  readonly permissions?: NatsPermissions;
}

/** The NATS config variable holding a user's password: `PW_AGENT_GATEWAY` for `agent-gateway`. */
export function passwordVariable(user: string): string {
  return `PW_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Renders nats-server's `authorization { users = [...] }` block. */
export function renderNatsAuthorization(users: readonly NatsUserEntry[]): string {
  const list = (items: readonly string[]) => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
  const lines = users.map(({ user, password, permissions: p }) => {
    const perms = p
      ? `, permissions: { publish: { allow: ${list(p.publish)} }, subscribe: { allow: ${list(p.subscribe)} }${p.allowResponses ? ', allow_responses: true' : ''} }`
      : '';
    return `    { user: ${JSON.stringify(user)}, password: ${password}${perms} }`;
  });
  return `authorization {\n  users = [\n${lines.join('\n')}\n  ]\n}\n`;
}

/**
 * The deployment's users: every service of {@link BUS_SERVICES} with its permissions, and `admin`
 * (for operators with the `nats` CLI; no service uses it), each password a config variable.
 */
export function deploymentAuthorization(names: BusNames = DEFAULT_BUS_NAMES): string {
  return renderNatsAuthorization([
    ...BUS_SERVICES.map((service) => ({ user: service, password: `$${passwordVariable(service)}`, permissions: servicePermissions(service, names) })),
    { user: 'admin', password: `$${passwordVariable('admin')}` },
  ]);
}

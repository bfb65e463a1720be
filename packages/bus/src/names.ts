/**
 * Stream names and subjects, in one place. Production uses the defaults; tests pass their own
 * (unique per test) so they can share a server.
 */
export interface BusNames {
  /** Contacts from ingestion: `<root>.contacts.<domain>.<channel>`. */
  readonly contactsStream: string;
  /** Routing batches from the outbox relay: `<root>.routing.<domain>.batch` (one per router commit). */
  readonly routingStream: string;
  /** Poison messages, terminated and kept for inspection: `<root>.dlq.<stream>`. */
  readonly deadLetterStream: string;
  /** First subject token, `sb` in production. */
  readonly subjectRoot: string;
}

export const DEFAULT_BUS_NAMES: BusNames = {
  contactsStream: 'CONTACTS',
  routingStream: 'ROUTING',
  deadLetterStream: 'DEADLETTER',
  subjectRoot: 'sb',
};

/** Header names used on the wire. */
export const Headers = {
  msgId: 'Nats-Msg-Id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  deadLetterReason: 'Sb-Dead-Letter-Reason',
  originalSubject: 'Sb-Original-Subject',
  originalStream: 'Sb-Original-Stream',
  originalSequence: 'Sb-Original-Sequence',
  deliveries: 'Sb-Deliveries',
} as const;

/** Subject tokens may not contain these; ids from platforms are checked before use. */
const INVALID_TOKEN = /[\s.*>]/;

/** Throws when `token` cannot be one subject token (empty, or holds `.`, `*`, `>` or whitespace). */
export function assertSubjectToken(kind: string, token: string): string {
  if (token.length === 0 || INVALID_TOKEN.test(token)) {
    throw new TypeError(`${kind} "${token}" cannot be a subject token (no dots, wildcards or spaces)`);
  }
  return token;
}

export function contactsSubject(names: BusNames, domain: string, channel: string): string {
  return `${names.subjectRoot}.contacts.${assertSubjectToken('domain', domain)}.${assertSubjectToken('channel', channel)}`;
}

export function routingSubject(names: BusNames, domain: string, event: string): string {
  return `${names.subjectRoot}.routing.${assertSubjectToken('domain', domain)}.${assertSubjectToken('event', event)}`;
}

export function agentSubject(names: BusNames, domain: string, agentId: string): string {
  return `${names.subjectRoot}.agent.${assertSubjectToken('domain', domain)}.${assertSubjectToken('agentId', agentId)}`;
}

/**
 * What a waiting customer is told (CustomerNotice, core NATS): `<root>.customer.<domain>.<channel>`,
 * published by queue-service's announcer, delivered by the channel's ingestion service.
 */
export function customerSubject(names: BusNames, domain: string, channel: string): string {
  return `${names.subjectRoot}.customer.${assertSubjectToken('domain', domain)}.${assertSubjectToken('channel', channel)}`;
}

/**
 * A web chat session's system frames, relayed between ingest-chat replicas (core NATS):
 * `<root>.chat.<domain>.<sessionId>`. The replica that learns of an exception from ROUTING nudges
 * the session here; the replica holding the visitor's WebSocket is subscribed and delivers.
 */
export function chatSessionSubject(names: BusNames, domain: string, sessionId: string): string {
  return `${names.subjectRoot}.chat.${assertSubjectToken('domain', domain)}.${assertSubjectToken('sessionId', sessionId)}`;
}

export function deadLetterSubject(names: BusNames, stream: string): string {
  return `${names.subjectRoot}.dlq.${stream}`;
}

/** Wildcards covering a stream's subjects. */
export const streamSubjects = {
  contacts: (names: BusNames) => `${names.subjectRoot}.contacts.>`,
  routing: (names: BusNames) => `${names.subjectRoot}.routing.>`,
  deadLetter: (names: BusNames) => `${names.subjectRoot}.dlq.>`,
} as const;

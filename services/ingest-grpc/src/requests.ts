import {
  Channel,
  ContactState,
  ContactUpdateKind,
  type Contact,
  type ContactUpdate,
  type SubmitContactRequest,
  type SubmitContactUpdateRequest,
} from '@switchboard/contracts';
import { CHANNEL_TOKENS, checkIdempotencyKey, deterministicContactId, isContactId, ValidationError } from '@switchboard/ingest-kit';

/** A request whose bytes were not a protobuf message of the expected type. */
export const MALFORMED = Symbol('malformed');
export type Malformed = { readonly [MALFORMED]: true };

const KNOWN_CHANNELS: ReadonlySet<number> = new Set(Object.keys(CHANNEL_TOKENS).map(Number));
const KNOWN_KINDS: ReadonlySet<number> = new Set(
  Object.values(ContactUpdateKind).filter((v): v is ContactUpdateKind => typeof v === 'number' && v > 0),
);

function check(ok: boolean, field: string, rule: string, message: string): void {
  if (!ok) throw new ValidationError(field, rule, `${field}: ${message}`);
}

function checkKey(key: string): void {
  checkIdempotencyKey('idempotency_key', key, 256);
}

/** The domain the record goes to: the service's own; a different one is refused. */
function checkDomain(field: string, domain: string, serviceDomain: string): string {
  check(domain === '' || domain === serviceDomain, field, 'domain_mismatch', 'not served by this ingestion endpoint');
  return serviceDomain;
}

/**
 * Validates a SubmitContact request and completes the contact: domain, id derived from the
 * idempotency key when absent (so a retry maps to the same contact), state RECEIVED, receivedAt.
 * @throws ValidationError naming the proto field (snake_case, as the platform's stubs show it).
 */
export function acceptContact(request: SubmitContactRequest | Malformed, serviceDomain: string, now: Date): { contact: Contact; key: string } {
  check(!(MALFORMED in request), '(message)', 'protobuf', 'not a SubmitContactRequest');
  const { contact, idempotencyKey } = request as SubmitContactRequest;
  checkKey(idempotencyKey);
  check(contact !== undefined, 'contact', 'required', 'required');
  const c = contact as Contact;
  check(KNOWN_CHANNELS.has(c.channel), 'contact.channel', c.channel === Channel.CHANNEL_UNSPECIFIED ? 'required' : 'invalid_value', 'a known channel is required');
  const domain = checkDomain('contact.domain', c.domain, serviceDomain);
  check(c.id === '' || isContactId(c.id), 'contact.id', 'invalid_format', '26 Crockford base32 characters, or empty');
  check(c.priority >= 0 && c.priority <= 1000, 'contact.priority', 'out_of_range', '0..1000');
  check(c.summary.length <= 1000, 'contact.summary', 'too_big', 'at most 1000 characters');
  check(c.attributes.length <= 64, 'contact.attributes', 'too_big', 'at most 64 attributes');
  const id = c.id || deterministicContactId(domain, c.channel, idempotencyKey);
  return {
    key: idempotencyKey,
    contact: { ...c, id, domain, state: ContactState.CONTACT_STATE_RECEIVED, receivedAt: c.receivedAt ?? now, conversationId: c.conversationId || id },
  };
}

/** Validates a SubmitContactUpdate request. */
export function acceptUpdate(request: SubmitContactUpdateRequest | Malformed, serviceDomain: string, now: Date): { update: ContactUpdate; key: string } {
  check(!(MALFORMED in request), '(message)', 'protobuf', 'not a SubmitContactUpdateRequest');
  const { update, idempotencyKey } = request as SubmitContactUpdateRequest;
  checkKey(idempotencyKey);
  check(update !== undefined, 'update', 'required', 'required');
  const u = update as ContactUpdate;
  check(u.contactId !== '', 'update.contact_id', 'required', 'required');
  check(isContactId(u.contactId), 'update.contact_id', 'invalid_format', '26 Crockford base32 characters');
  check(KNOWN_CHANNELS.has(u.channel), 'update.channel', u.channel === Channel.CHANNEL_UNSPECIFIED ? 'required' : 'invalid_value', 'a known channel is required');
  check(KNOWN_KINDS.has(u.kind), 'update.kind', u.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_UNSPECIFIED ? 'required' : 'invalid_value', 'a known kind is required');
  const domain = checkDomain('update.domain', u.domain, serviceDomain);
  return { key: idempotencyKey, update: { ...u, domain, occurredAt: u.occurredAt ?? now } };
}

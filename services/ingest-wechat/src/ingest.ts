import { Channel, ContactUpdateKind, contactStateToJSON } from '@switchboard/contracts';
import { deterministicContactId, type ContactPublisher } from '@switchboard/ingest-kit';
import { KfServiceState, type KfServiceStateValue } from '@switchboard/wechat';
import type { ConversationStore } from './conversations.js';
import type { KfReplyStore } from './kf-replies.js';
import { customerKey, toContact, toEventUpdate, toMessageUpdate, type InboundMessage, type WeChatSource } from './contact.mapper.js';
import { planServiceState, type ServiceStatePlan } from './kf-state.js';
import { surveyAnswerOf } from './kf-survey.js';

/** What ingesting needs: where conversations are tracked and where contacts go. */
export interface IngestDeps {
  readonly conversations: ConversationStore;
  readonly publisher: ContactPublisher;
  readonly domain: string;
  /** Where kf contacts' customers are noted for the texts sent back (when kf replies are on). */
  readonly replies?: KfReplyStore;
}

/** What happened to one message. */
export interface Ingested {
  readonly contactId: string;
  readonly isNew: boolean;
  /** True when JetStream already held it (a WeChat retry). */
  readonly duplicate: boolean;
}

/**
 * Publishes a customer message: the first of a conversation as a new contact, later ones as
 * MESSAGE updates of that contact. `Nats-Msg-Id` is the source and MsgId, so WeChat's retries of
 * the same message store it once. Resolves only after the JetStream ack.
 * @throws BusUnavailableError when NATS cannot take it now (answer 503 so WeChat retries).
 */
export async function ingestMessage(deps: IngestDeps, message: InboundMessage): Promise<Ingested> {
  const key = `${message.source}:${message.messageId}`;
  const answer = await surveyAnswerOf(deps.replies, deps.domain, message);
  if (answer) {
    const published = await deps.publisher.publishContactUpdate(answer, key);
    return { contactId: answer.contactId, isNew: false, duplicate: published.duplicate };
  }
  const conversation = customerKey(message);
  const { contactId, isNew } = await deps.conversations.resolve(conversation, {
    dedupKey: key,
    at: message.at.getTime(),
    newContactId: () => deterministicContactId(deps.domain, Channel.CHANNEL_WECHAT, `${conversation}\n${message.messageId}`),
    // A kf session a customer message opens (or re-opens after 4) starts at 0, new.
    ...(message.source === 'kf' ? { serviceState: KfServiceState.new } : {}),
  });
  // Before publishing: a routing event or notice about the contact must find whom to tell.
  if (isNew && message.source === 'kf' && deps.replies) {
    await deps.replies.rememberCustomer(contactId, { openKfid: message.account, externalUserid: message.customerId });
  }
  const published = isNew
    ? await deps.publisher.publishContact(toContact(message, contactId, deps.domain), key)
    : await deps.publisher.publishContactUpdate(toMessageUpdate(message, contactId, deps.domain), key);
  return { contactId, isNew, duplicate: published.duplicate };
}

/**
 * Ends the customer's open conversation (session closed, unsubscribed) with an ENDED update.
 * Publishes before marking it ended, so a failure in between is repaired by the retry.
 * @returns the contact id, or undefined when no conversation was open.
 */
export async function endConversation(
  deps: IngestDeps,
  who: { source: WeChatSource; account: string; customerId: string },
  eventKey: string,
  at: Date,
  attributes: Readonly<Record<string, string>> = {},
): Promise<string | undefined> {
  const key = customerKey(who);
  const open = await deps.conversations.current(key);
  if (!open) return undefined;
  const update = toEventUpdate(open.contactId, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, at, attributes);
  await deps.publisher.publishContactUpdate(update, `${who.source}:${eventKey}`);
  await deps.conversations.end(key);
  return open.contactId;
}

/** Who a kf state change is about, and what reported it. */
export interface ServiceStateChange {
  readonly account: string;
  readonly customerId: string;
  /** The kf msgid of the event: the idempotency key of what it publishes. */
  readonly eventKey: string;
  readonly at: Date;
  readonly state: KfServiceStateValue;
  /** The agent WeChat says has the session now (`new_servicer_userid` / `servicer_userid`). */
  readonly servicer?: string;
}

/**
 * Follows a kf session's service_state on its open contact (see `planServiceState`): a move
 * publishes an update of the same contact carrying the new `contact.state` (RECEIVED, QUEUED,
 * CONNECTED) and the WeChat state as attributes; the end publishes ENDED, or ABANDONED when no
 * agent had taken the session, and closes the conversation. The state is recorded only after the
 * publish was acknowledged, so a failure in between is repaired by the pull's retry.
 * @returns the plan applied, or undefined when the customer has no open conversation.
 */
export async function applyServiceState(deps: IngestDeps, change: ServiceStateChange): Promise<ServiceStatePlan | undefined> {
  const key = customerKey({ source: 'kf', account: change.account, customerId: change.customerId });
  const open = await deps.conversations.current(key);
  if (!open) return undefined;
  const servicerChanged = change.servicer !== undefined && change.servicer !== open.servicer;
  const plan = planServiceState(open.serviceState, change.state, servicerChanged);
  if (plan.kind === 'ignore') return plan;
  const attributes: Record<string, string> = {
    'wechat.kf.service_state': String(change.state),
    ...(open.serviceState === undefined ? {} : { 'wechat.kf.previous_service_state': String(open.serviceState) }),
    'contact.state': contactStateToJSON(plan.contactState),
    ...(change.servicer ? { 'wechat.kf.servicer_userid': change.servicer } : {}),
  };
  const kind = plan.kind === 'end' ? plan.updateKind : ContactUpdateKind.CONTACT_UPDATE_KIND_UNSPECIFIED;
  await deps.publisher.publishContactUpdate(toEventUpdate(open.contactId, deps.domain, kind, change.at, attributes), `kf:${change.eventKey}`);
  if (plan.kind === 'end') await deps.conversations.end(key);
  else await deps.conversations.setServiceState(key, open.contactId, plan.state, change.servicer);
  return plan;
}

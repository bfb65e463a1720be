import { Contact, ContactRecord, ContactUpdateKind, type ContactUpdate } from '@switchboard/contracts';
import { consumeDurable, settle, streamSubjects, type DurableConsumer, type Settlement } from '@switchboard/bus';
import { getTracer, withNatsProcessSpan, withSpan } from '@switchboard/telemetry';
import { isRoutingError, type RoutingCommand } from '@switchboard/routing-core';
import type { JsMsg } from 'nats';
import { contactInputOf, factsOf, InvalidContactError } from '../mapping/contact.mapper.js';
import type { RuleSet } from '../rules/classify.js';
import { recordDecision } from './decision-span.js';
import { WorkerStoppedError, type DomainPort, type Submitted, type WorkerDeps } from '../worker/domain-worker.js';
import { CustomerResolveError, type CustomerResolver } from '../customers/customer-resolver.js';
import { withCustomer } from '../customers/customer-context.js';

const tracer = getTracer('@switchboard/router');

/** Consumes the domain's contacts (`<root>.contacts.<domain>.>`) into the worker. Acks only after commit and relay. */
export async function consumeContacts(worker: DomainPort, rules: RuleSet, deps: WorkerDeps, ackWaitMs = 5_000, customers?: CustomerResolver): Promise<DurableConsumer> {
  const filter = streamSubjects.contacts(deps.names).replace(/>$/, `${worker.domain}.>`);
  const subjectTemplate = `${deps.names.subjectRoot}.contacts.{domain}.{channel}`;
  // Arrivals not yet committed, by contact id: a later event of the same contact in the same
  // delivery (a caller hanging up at once) waits for its arrival — which now first waits for its
  // customer — instead of finding no contact and being dropped. Bounded by the messages in flight.
  const arriving = new Map<string, Promise<unknown>>();
  return consumeDurable({
    js: deps.js,
    jsm: deps.jsm,
    names: deps.names,
    stream: deps.names.contactsStream,
    durable: `router-${worker.domain}`,
    filterSubject: filter,
    ackWaitMs,
    // Retries here are waits (not the owner right now, NATS away), not poison: undecodable or
    // invalid contacts are dead-lettered at once. The limit only stops a handler bug looping forever.
    maxDeliver: 1_000,
    // Many contacts in flight: the worker batches them into pipelined commits, in delivery order.
    concurrency: 512,
    batch: 512,
    logger: deps.logger,
    handle: (msg) => withNatsProcessSpan(tracer, { subject: msg.subject, subjectTemplate, headers: msg.headers },
      () => handle(msg, worker, rules, deps, { customers, arriving })),
  });
}

/** The customer resolver (when identity is on) and the arrivals not yet committed. */
interface Arrivals {
  readonly customers: CustomerResolver | undefined;
  readonly arriving: Map<string, Promise<unknown>>;
}

async function handle(msg: JsMsg, worker: DomainPort, rules: RuleSet, deps: WorkerDeps, arrivals: Arrivals): Promise<Settlement> {
  let record: ContactRecord;
  try {
    record = ContactRecord.decode(msg.data);
  } catch (error) {
    return settle.poison(`not a ContactRecord: ${(error as Error).message}`);
  }
  try {
    if (record.arrived) {
      const arrival = arrive(record.arrived, worker, rules, deps, arrivals.customers);
      const id = record.arrived.id;
      arrivals.arriving.set(id, arrival);
      try {
        return settled(await arrival);
      } finally {
        if (arrivals.arriving.get(id) === arrival) arrivals.arriving.delete(id);
      }
    }
    if (record.update) {
      await arrivals.arriving.get(record.update.contactId)?.catch(() => undefined);
      return settled(await update(record.update, worker, deps));
    }
    return settle.poison('ContactRecord has neither arrived nor update');
  } catch (error) {
    if (error instanceof InvalidContactError) return settle.poison(`invalid contact: ${error.message}`);
    if (error instanceof WorkerStoppedError || error instanceof CustomerResolveError) return settle.retry(1_000);
    throw error;
  }
}

function settled(submitted: Submitted | undefined): Settlement {
  // Not relayed yet: the record of this contact lives only in Redis, so keep the message until it is.
  return submitted && !submitted.relayed ? settle.retry(1_000) : settle.ack;
}

async function arrive(contact: Contact, worker: DomainPort, rules: RuleSet, deps: WorkerDeps, customers: CustomerResolver | undefined): Promise<Submitted> {
  const facts = factsOf(contact);
  // A platform that enqueues through QueueService names the queue itself; the rules still classify
  // everything else (and a queue this domain does not have).
  const direct = contact.queueId && worker.live.queue(contact.queueId)
    ? { queueId: contact.queueId, basePriority: 0, requiredSkills: [], rule: 'direct' }
    : undefined;
  const classified = contactInputOf(contact, worker.domain, facts, direct ?? rules.classify(facts), deps.clock());
  // The customer across channels, before routing: one Redis round trip per batch of arrivals.
  const customer = customers && !worker.live.contact(contact.id)
    ? await withSpan(tracer, 'resolve customer', { 'switchboard.domain': worker.domain }, () => customers.resolve(contact, classified.queueId))
    : undefined;
  const { input, context } = withCustomer(classified, contactContext(contact), customer, worker.live, deps.clock());
  // The decision span sits in the contact's trace (child of the consume span); the offer's
  // notification to the desktop is published under it, so the agent side joins the same trace.
  return withSpan(tracer, 'route contact', { 'switchboard.domain': worker.domain }, async (span) => {
    const submitted = await worker.submit(`arrive:${contact.id}`, { type: 'ARRIVE', contact: input }, undefined, context);
    if (submitted.kind === 'applied') recordDecision(span, contact.id, submitted.result);
    return submitted;
  });
}

/** The disposition the router completes a conversation with when its channel, not its agent, ended it. */
export const ENDED_ON_CHANNEL = 'ended-on-channel';

/**
 * The platform's end is the end: a contact that ended on its channel (the caller hung up, the
 * call completed or failed, the chat visitor left, the kf session ended) ends in the router in
 * whatever state it is. Waiting or ringing, it is abandoned; connected, its conversation is
 * completed for its agent (disposition {@link ENDED_ON_CHANNEL}) and wrap-up starts; wrapping up
 * or gone, nothing is left to end. The state may change between reading it and the commit (an
 * accept landing as the caller hangs up): the command is then refused and the state read again,
 * so the end is never dropped for a race.
 */
async function update(update: ContactUpdate, worker: DomainPort, deps: WorkerDeps): Promise<Submitted | undefined> {
  if (update.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_SURVEY_ANSWERED) return surveyAnswer(update, worker, deps);
  if (update.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED || update.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_FAILED) {
    return callbackUpdate(update, worker);
  }
  if (update.kind !== ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED && update.kind !== ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED) return undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const live = worker.live.contact(update.contactId);
    if (!live) return undefined;
    const ending = endingOf(live.state, update.contactId, live.agentId);
    if (!ending) return undefined;
    try {
      return await worker.submit(ending.commandId, ending.command);
    } catch (error) {
      if (!isRoutingError(error)) throw error;
    }
  }
  return undefined;
}

/**
 * The customer asked to be called back (pressed 1, left a number), or the platform could not
 * reach them for the callback an agent accepted. A contact that is gone, or in a state the
 * command does not apply to, or a number that is not E.164, changes nothing: the channel already
 * answered its customer, and the record says why nothing happened (the command is refused).
 */
async function callbackUpdate(update: ContactUpdate, worker: DomainPort): Promise<Submitted | undefined> {
  if (!worker.live.contact(update.contactId)) return undefined;
  const command: RoutingCommand = update.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED
    ? { type: 'REQUEST_CALLBACK', contactId: update.contactId, number: update.callbackNumber }
    : { type: 'CALLBACK_FAILED', contactId: update.contactId, reason: update.reason || 'failed' };
  const id = update.messageId || (update.occurredAt?.getTime() ?? 0).toString();
  try {
    return await worker.submit(`${command.type.toLowerCase()}:${update.contactId}:${id}`, command);
  } catch (error) {
    if (isRoutingError(error)) return undefined;
    throw error;
  }
}

/**
 * The customer answered a completed contact's survey. The engine records the first answer within
 * the window (SurveyAnswered) and refuses the others; a refusal changes nothing (the channel already
 * thanked its customer) and is logged and counted by reason. Each answer is its own command (its
 * channel's answer id), so a second answer reaches the engine and is refused there, not deduplicated.
 */
async function surveyAnswer(update: ContactUpdate, worker: DomainPort, deps: WorkerDeps): Promise<Submitted | undefined> {
  const answeredAtMs = update.occurredAt?.getTime() ?? deps.clock();
  const command: RoutingCommand = { type: 'ANSWER_SURVEY', contactId: update.contactId, score: update.surveyScore, answeredAtMs,
    ...(update.surveyComment ? { comment: update.surveyComment } : {}) };
  const refused = (reason: string) => {
    deps.logger.info({ contactId: update.contactId, reason }, 'survey answer refused');
    deps.surveyRefused?.(worker.domain, reason);
  };
  try {
    const submitted = await worker.submit(`answer_survey:${update.contactId}:${update.messageId || answeredAtMs}`, command);
    if (submitted.kind === 'applied' && submitted.result.outcome.kind === 'stale') refused(submitted.result.outcome.reason ?? 'NO_SURVEY');
    return submitted;
  } catch (error) {
    if (!isRoutingError(error)) throw error;
    refused('INVALID');
    return undefined;
  }
}

function endingOf(state: string, contactId: string, agentId: string | undefined): { commandId: string; command: RoutingCommand } | undefined {
  if (state === 'QUEUED' || state === 'OFFERED') return { commandId: `abandon:${contactId}`, command: { type: 'ABANDON', contactId } };
  if (state === 'CONNECTED' && agentId !== undefined) {
    return { commandId: `ended:${contactId}`, command: { type: 'COMPLETE', contactId, agentId, disposition: ENDED_ON_CHANNEL, endedOnChannel: true } };
  }
  return undefined;
}

/** What a desktop shows beside an offer; kept with the contact, never read by the engine. */
function contactContext(contact: Contact): Record<string, unknown> {
  return Contact.toJSON(Contact.fromPartial({
    customer: contact.customer, channelIds: contact.channelIds, conversationId: contact.conversationId,
    summary: contact.summary.slice(0, 500), attachments: contact.attachments, historyContactIds: contact.historyContactIds,
    attributes: contact.attributes,
  })) as Record<string, unknown>;
}

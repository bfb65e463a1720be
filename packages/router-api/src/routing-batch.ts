import { RoutingBatch, type RoutingEvent } from '@switchboard/contracts';
import { decodeApplied, type AppliedRecord } from './applied-record.js';

/**
 * The last subject token of a ROUTING message (`<root>.routing.<domain>.batch`): one message per
 * Redis commit, holding the commands it applied and their events (proto `RoutingBatch`).
 */
export const ROUTING_BATCH = 'batch';

/** Header listing the event types a batch holds, space-separated (`ContactOffered OfferAccepted`). */
export const EVENT_TYPES_HEADER = 'Sb-Event-Types';

/** The proto body field of each routing event type, as the router names the type (the core's `RoutingEvent.type`). */
const EVENT_FIELDS = [
  ['received', 'ContactReceived'], ['queued', 'ContactQueued'], ['rejected', 'ContactRejected'], ['offered', 'ContactOffered'],
  ['accepted', 'OfferAccepted'], ['declined', 'OfferDeclined'], ['timedOut', 'OfferTimedOut'], ['completed', 'ContactCompleted'],
  ['wrapUpEnded', 'WrapUpEnded'], ['abandoned', 'ContactAbandoned'], ['expired', 'ContactExpired'], ['overflowed', 'ContactOverflowed'],
  ['transferred', 'ContactTransferred'], ['ringWidened', 'RingWidened'], ['presenceChanged', 'AgentPresenceChanged'],
  ['outcomeRecorded', 'ContactOutcomeRecorded'], ['limitReached', 'ContactLimitReached'],
  ['profileChanged', 'AgentProfileChanged'], ['reprioritized', 'ContactReprioritized'],
  ['callbackRequested', 'CallbackRequested'], ['callbackOffered', 'CallbackOffered'], ['callbackDialing', 'CallbackDialing'],
  ['callbackFailed', 'CallbackFailed'], ['held', 'ContactHeld'], ['hoursChanged', 'QueueHoursChanged'], ['surgeChanged', 'QueueSurgeChanged'],
  ['surveyOffered', 'SurveyOffered'], ['surveyAnswered', 'SurveyAnswered'],
  ['qaReviewScored', 'QaReviewScored'],
  ['customerIdentified', 'CustomerIdentified'],
  ['qaReviewRequested', 'QaReviewRequested'],
  ['followUpOpened', 'FollowUpTaskOpened'], ['followUpAtRisk', 'FollowUpTaskAtRisk'],
] as const satisfies readonly (readonly [keyof RoutingEvent, string])[];

/** The type of a routing event (`OfferAccepted`...), from the body it carries; '' for none. */
export function routingEventType(event: RoutingEvent): string {
  for (const [field, type] of EVENT_FIELDS) if (event[field] !== undefined) return type;
  return '';
}

/**
 * `Nats-Msg-Id` of a batch: its epoch and first position name it, so the relay resending a batch
 * (after a lost ack, or a takeover) is deduplicated while a later epoch reusing positions is not.
 */
export function batchMsgId(domain: string, epoch: string, firstPosition: number): string {
  return `${domain}:batch:${epoch}:${firstPosition}`;
}

/** The value of {@link EVENT_TYPES_HEADER} for a batch's events. */
export function eventTypesHeader(batch: RoutingBatch): string {
  const types = new Set<string>();
  for (const command of batch.commands) for (const event of command.events) types.add(routingEventType(event));
  types.delete('');
  return [...types].join(' ');
}

/**
 * Whether a batch may hold an event of one of `types`, told by its header alone (the batch need
 * not be decoded when it says no); true when the header is missing.
 */
export function batchMayHold(headers: { has(key: string): boolean; get(key: string): string } | undefined, types: readonly string[]): boolean {
  if (!headers?.has(EVENT_TYPES_HEADER)) return true;
  const present = headers.get(EVENT_TYPES_HEADER).split(' ');
  return types.some((t) => present.includes(t));
}

/** What a ROUTING batch holds: the applied records in log order, and all their events in order. */
export interface ReadBatch {
  readonly batch: RoutingBatch;
  readonly records: readonly AppliedRecord[];
  readonly events: readonly RoutingEvent[];
}

/** @throws when `data` is not a RoutingBatch or a record in it is not an applied-command record */
export function readRoutingBatch(data: Uint8Array): ReadBatch {
  const batch = RoutingBatch.decode(data);
  return { batch, records: batch.commands.map((c) => decodeApplied(c.record)), events: batch.commands.flatMap((c) => c.events) };
}

/** The events of a ROUTING batch, in order, without decoding its records (for readers of events only). */
export function routingEventsOf(data: Uint8Array): RoutingEvent[] {
  return RoutingBatch.decode(data).commands.flatMap((c) => c.events);
}

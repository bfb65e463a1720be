import {
  CustomerActionKind as ProtoActionKind,
  type BusinessHours as ProtoHours,
  type CallbackPolicy as ProtoCallbackPolicy,
  type CustomerAction as ProtoAction,
  type SurgePolicy as ProtoSurgePolicy,
} from '@switchboard/contracts';
import type { BusinessHours, CallbackPolicy, CustomerAction, CustomerActionKind, SurgePolicy } from '@switchboard/routing-core';

/**
 * The wire forms of what the waiting customer lives through (opening hours, customer actions,
 * callback and surge policies), in one place for every service that reads or writes them:
 * queue-service (QueueConfig over gRPC), the router (events and checkpoints), ops and the channels.
 */

const KIND_TO_PROTO: Record<CustomerActionKind, ProtoActionKind> = {
  MESSAGE: ProtoActionKind.CUSTOMER_ACTION_KIND_MESSAGE,
  OVERFLOW: ProtoActionKind.CUSTOMER_ACTION_KIND_OVERFLOW,
  CALLBACK_OFFER: ProtoActionKind.CUSTOMER_ACTION_KIND_CALLBACK_OFFER,
  VOICEMAIL: ProtoActionKind.CUSTOMER_ACTION_KIND_VOICEMAIL,
  LEAVE_EMAIL: ProtoActionKind.CUSTOMER_ACTION_KIND_LEAVE_EMAIL,
};

const KIND_FROM_PROTO = new Map<ProtoActionKind, CustomerActionKind>(Object.entries(KIND_TO_PROTO).map(([k, v]) => [v, k as CustomerActionKind]));

export function customerActionToProto(action: CustomerAction): ProtoAction {
  return {
    kind: KIND_TO_PROTO[action.kind],
    targetQueueId: action.targetQueueId ?? '',
    message: Object.entries(action.message ?? {}).map(([language, text]) => ({ language, text })),
  };
}

/** The core's action, or undefined for an unset one (UNSPECIFIED: the queue's default applies). */
export function customerActionFromProto(action: ProtoAction | undefined): CustomerAction | undefined {
  const kind = action === undefined ? undefined : KIND_FROM_PROTO.get(action.kind);
  if (action === undefined || kind === undefined) return undefined;
  const message = Object.fromEntries(action.message.map((m) => [m.language, m.text]));
  return { kind, ...(action.targetQueueId ? { targetQueueId: action.targetQueueId } : {}), ...(action.message.length > 0 ? { message } : {}) };
}

export function hoursToProto(hours: BusinessHours): ProtoHours {
  return {
    timeZone: hours.timeZone,
    weekly: hours.weekly.map((w) => ({ isoWeekday: w.isoWeekday, windows: w.windows.map((x) => ({ open: x.open, close: x.close })) })),
    holidays: hours.holidays.map((h) => ({ date: h.date, name: h.name ?? '', windows: h.windows.map((x) => ({ open: x.open, close: x.close })) })),
  };
}

/** The core's hours, or undefined when none are set (an empty time zone: always open). */
export function hoursFromProto(hours: ProtoHours | undefined): BusinessHours | undefined {
  if (hours === undefined || hours.timeZone === '') return undefined;
  return {
    timeZone: hours.timeZone,
    weekly: hours.weekly.map((w) => ({ isoWeekday: w.isoWeekday, windows: w.windows.map((x) => ({ open: x.open, close: x.close })) })),
    holidays: hours.holidays.map((h) => ({ date: h.date, ...(h.name ? { name: h.name } : {}), windows: h.windows.map((x) => ({ open: x.open, close: x.close })) })),
  };
}

export function callbackPolicyFromProto(p: ProtoCallbackPolicy | undefined): CallbackPolicy | undefined {
  if (p === undefined || (p.maxAttempts === 0 && p.retryAfterSeconds === 0)) return undefined;
  return { maxAttempts: p.maxAttempts || 3, retryAfterSeconds: p.retryAfterSeconds || 120 };
}

export function surgePolicyFromProto(p: ProtoSurgePolicy | undefined): SurgePolicy | undefined {
  if (p === undefined) return undefined;
  return { auto: p.auto, callbackOfferAfterSeconds: p.callbackOfferAfterSeconds, deferEmailBelowPriority: p.deferEmailBelowPriority, horizonSeconds: p.horizonSeconds || 900 };
}

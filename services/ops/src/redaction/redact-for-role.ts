import { REDACTED, redactValue } from '@switchboard/telemetry';
import type { OpsReaderRole } from '../auth/principal.js';

/**
 * Free text that can carry what a customer said or typed (an agent's notes, a transfer's dialled
 * destination, a contact's summary): hidden whole from the `ops` role, whatever it looks like.
 */
const FREE_TEXT_FIELDS = new Set(['notes', 'summary', 'destination']);

/** Whether `role` sees contact attributes and free text as recorded (supervisors do; `ops` is read-only and sees them redacted). */
export function seesContactData(role: OpsReaderRole): boolean {
  return role === 'supervisor';
}

function hideAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideAttributes);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'attributes' && Array.isArray(field)) {
      // Keys stay (they say what the platform sent: ivr.digits, page.url, chat.topic); values go.
      out[key] = field.map((a: unknown) => (typeof a === 'object' && a !== null ? { ...a, value: REDACTED.other } : a));
    } else if (FREE_TEXT_FIELDS.has(key) && typeof field === 'string' && field !== '') {
      out[key] = REDACTED.other;
    } else {
      out[key] = hideAttributes(field);
    }
  }
  return out;
}

/**
 * A JSON answer (trace, events, snapshot, agent actions) as `role` may see it. Customer
 * identifiers never reach ops at all (the indexer's `redactContact`). For `ops`, on top: contact
 * attribute values and free-text fields are replaced by `[redacted]`, and every other string
 * passes the logs' rules (`redactValue` of @switchboard/telemetry: phone numbers, email addresses,
 * WeChat ids, known personal fields). A supervisor gets the answer as it is.
 */
export function redactForRole<T>(json: T, role: OpsReaderRole): T {
  if (seesContactData(role)) return json;
  return redactValue(hideAttributes(json)) as T;
}

import type { Attributes, Span } from '@opentelemetry/api';
import type { ApplyResult, Explanation } from '@switchboard/routing-core';

/**
 * Span attributes of a routing decision, from the engine's explanation: the queue, ring,
 * candidates considered, chosen agent and score, and the rule version. Contact and agent ids
 * are Switchboard's own ids, never customer identifiers.
 */
export function decisionAttributes(contactId: string, result: ApplyResult): Attributes {
  const attributes: Attributes = { 'switchboard.contact.id': contactId, 'switchboard.outcome': result.outcome.kind };
  let explanation: Explanation | undefined;
  for (const event of result.events) {
    if (event.type === 'ContactOffered' && event.contactId === contactId) explanation = event.explanation;
    else if (event.type === 'ContactQueued' && event.contactId === contactId && event.explanation) explanation ??= event.explanation;
  }
  if (!explanation) return attributes;
  const passedOver = Object.values(explanation.passedOverCounts).reduce((a, b) => a + (b ?? 0), 0);
  return {
    ...attributes,
    'switchboard.queue': explanation.queueId,
    'switchboard.ring': explanation.ring,
    'switchboard.candidates.considered': explanation.eligibleCount + passedOver,
    'switchboard.candidates.eligible': explanation.eligibleCount,
    'switchboard.strategy': explanation.strategy,
    'switchboard.rule_version': explanation.ruleVersion,
    ...(explanation.chosenAgentId ? { 'switchboard.agent.id': explanation.chosenAgentId } : {}),
    ...(explanation.score !== undefined ? { 'switchboard.score': explanation.score } : {}),
  };
}

/** Sets the decision's attributes on its span once the command is committed; builds nothing for a span that does not record. */
export function recordDecision(span: Span, contactId: string, result: ApplyResult): void {
  if (span.isRecording()) span.setAttributes(decisionAttributes(contactId, result));
}

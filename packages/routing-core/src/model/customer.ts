/**
 * One customer across channels: what the router resolved before routing, and each queue's policy
 * for it. The customer key is opaque (the router's store issues `c<n>`); raw identifiers never
 * reach the core.
 */

/** Why an agent is preferred because of the customer. */
export type CustomerPreferenceReason = 'HOLDS_LIVE_CONTACT' | 'LAST_SERVED';

/** The agent a customer's other contacts point to, and which contact made it so. */
export interface CustomerPreference {
  readonly agentId: string;
  readonly because: CustomerPreferenceReason;
  readonly viaContactId: string;
}

/** What a customer's second live contact does: go to the agent holding the first, or route alone. */
export type SameCustomerPolicy = 'SAME_AGENT' | 'NONE';

/** A queue's customer settings; absent fields take the defaults below. */
export interface CustomerPolicy {
  readonly policy?: SameCustomerPolicy;
  /** How long the last agent who served the customer stays preferred (seconds). */
  readonly lastAgentWindowSeconds?: number;
  /** FCR: a resolution counts only without a repeat contact within this window (seconds). */
  readonly fcrWindowSeconds?: number;
}

/** The industry's habit: 7 days. */
export const DEFAULT_FCR_WINDOW_SECONDS = 7 * 24 * 3600;
export const DEFAULT_LAST_AGENT_WINDOW_SECONDS = 7 * 24 * 3600;

/** The queue's policy with its defaults filled in. */
export function customerPolicyOf(policy: CustomerPolicy | undefined): Required<CustomerPolicy> {
  return {
    policy: policy?.policy ?? 'SAME_AGENT',
    lastAgentWindowSeconds: policy?.lastAgentWindowSeconds || DEFAULT_LAST_AGENT_WINDOW_SECONDS,
    fcrWindowSeconds: policy?.fcrWindowSeconds || DEFAULT_FCR_WINDOW_SECONDS,
  };
}

import type { ReplyBudget } from './kf-replies.js';

/**
 * WeChat's budget: after a customer's message, at most 5 `kf/send_msg` texts within 48 hours
 * (protocols.md, "Talking back to the customer"). One of them is always kept for the exception
 * text (rejected, expired), so position texts never leave the customer unanswered at the end.
 */
export const KF_SEND_BUDGET = 5;
export const KF_SEND_WINDOW_MS = 48 * 3600_000;

/** How position texts are paced, per contact. */
export interface NoticePacing {
  /**
   * Position texts per contact while it waits (`WECHAT_KF_MAX_POSITION_TEXTS`, default 3, at
   * most KF_SEND_BUDGET - 1): the budget's remaining texts stay for the exception text and one
   * more (an agent's survey or greeting).
   */
  readonly maxPositionTexts: number;
  /**
   * Least time between two position texts of a contact (`WECHAT_KF_POSITION_INTERVAL_SECONDS`,
   * default 300 s). Notices arrive at the queue's cadence (`announceEverySeconds`), so texts are
   * never more frequent than that; this spaces them further so a few texts cover a long wait, and
   * drops a notice repeated within a cadence (an announcer restart).
   */
  readonly minIntervalMs: number;
}

export const DEFAULT_NOTICE_PACING: NoticePacing = { maxPositionTexts: 3, minIntervalMs: 300_000 };

/** What the announcer said of one waiting contact. */
export interface NoticeFacts {
  readonly position: number;
  readonly callbackOffered: boolean;
  readonly language: string;
}

/** Whether to send a position text now, and the budget to record before sending it. */
export type PositionPlan =
  | { readonly kind: 'send'; readonly budget: ReplyBudget }
  | { readonly kind: 'skip'; readonly reason: 'window_closed' | 'cap' | 'budget' | 'interval' | 'unchanged'; readonly budget?: ReplyBudget };

/**
 * The budget in the window that starts at the customer's latest message: WeChat's count starts
 * again when the customer writes; the contact's position-text count does not.
 */
export function budgetInWindow(current: ReplyBudget | undefined, windowFrom: number, language: string): ReplyBudget {
  if (!current) return { sent: 0, positions: 0, windowFrom, lastPositionAt: 0, lastPosition: 0, callbackOffered: false, language };
  return windowFrom > current.windowFrom ? { ...current, sent: 0, windowFrom } : current;
}

/**
 * Decides one notice: the first is sent at once; a later one only when the place or the callback
 * offer changed, the interval passed, the contact's cap and WeChat's budget (less the one kept
 * for the exception) allow, and the customer's 48-hour window is open. A skipped notice still
 * returns a budget when the language it carries is new (the exception text speaks it).
 */
export function planPosition(current: ReplyBudget | undefined, notice: NoticeFacts, windowFrom: number, now: number, pacing: NoticePacing): PositionPlan {
  const language = notice.language || current?.language || '';
  const base = budgetInWindow(current, windowFrom, language);
  const skip = (reason: Extract<PositionPlan, { kind: 'skip' }>['reason']): PositionPlan =>
    (current?.language ?? '') !== language ? { kind: 'skip', reason, budget: { ...base, language } } : { kind: 'skip', reason };
  if (now - windowFrom >= KF_SEND_WINDOW_MS) return skip('window_closed');
  if (base.positions >= pacing.maxPositionTexts) return skip('cap');
  if (base.sent >= KF_SEND_BUDGET - 1) return skip('budget');
  if (base.lastPositionAt > 0) {
    if (now - base.lastPositionAt < pacing.minIntervalMs) return skip('interval');
    if (base.lastPosition === notice.position && base.callbackOffered === notice.callbackOffered) return skip('unchanged');
  }
  return {
    kind: 'send',
    budget: { ...base, language, sent: base.sent + 1, positions: base.positions + 1, lastPositionAt: now, lastPosition: notice.position, callbackOffered: notice.callbackOffered },
  };
}

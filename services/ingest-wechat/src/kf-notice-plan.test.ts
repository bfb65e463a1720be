import { describe, expect, it } from 'vitest';
import { KF_SEND_BUDGET, KF_SEND_WINDOW_MS, planPosition, type NoticePacing } from './kf-notice-plan.js';
import type { ReplyBudget } from './kf-replies.js';

const pacing: NoticePacing = { maxPositionTexts: 3, minIntervalMs: 60_000 };
const from = 1_700_000_000_000;
const notice = (position: number, callbackOffered = false, language = 'en') => ({ position, callbackOffered, language });

/** Runs notices through the plan as the notifier does, keeping what it records. */
function run(steps: readonly [number, ReturnType<typeof notice>][], windowFrom = from, start?: ReplyBudget): { sent: number[]; budget: ReplyBudget | undefined } {
  let budget = start;
  const sent: number[] = [];
  for (const [at, n] of steps) {
    const plan = planPosition(budget, n, windowFrom, at, pacing);
    if (plan.kind === 'send') sent.push(n.position);
    budget = plan.budget ?? budget;
  }
  return { sent, budget };
}

describe('planPosition', () => {
  it('sends the first notice at once, then only changes, spaced by the interval, up to the cap', () => {
    const { sent, budget } = run([
      [from + 1_000, notice(5)],
      [from + 30_000, notice(4)], // too soon
      [from + 61_000, notice(5)], // place unchanged since the last text
      [from + 62_000, notice(4)],
      [from + 130_000, notice(4, true)], // the callback offer is news
      [from + 200_000, notice(2)], // cap of 3 reached
    ]);
    expect(sent).toEqual([5, 4, 4]);
    expect(budget).toMatchObject({ sent: 3, positions: 3, lastPosition: 4, callbackOffered: true, language: 'en' });
  });

  it('keeps one text of WeChat\'s budget for the exception, and counts WeChat\'s budget again after the customer writes', () => {
    const spent: ReplyBudget = { sent: KF_SEND_BUDGET - 1, positions: 1, windowFrom: from, lastPositionAt: from, lastPosition: 3, callbackOffered: false, language: 'zh' };
    expect(planPosition(spent, notice(2), from, from + 120_000, pacing)).toMatchObject({ kind: 'skip', reason: 'budget' });
    const later = from + 60_000;
    expect(planPosition(spent, notice(2), later, later + 120_000, pacing)).toMatchObject({ kind: 'send', budget: { sent: 1, positions: 2, windowFrom: later } });
  });

  it('sends nothing once the 48-hour window closed, but notes a new language', () => {
    expect(planPosition(undefined, notice(1, false, 'zh-CN'), from, from + KF_SEND_WINDOW_MS, pacing))
      .toEqual({ kind: 'skip', reason: 'window_closed', budget: expect.objectContaining({ language: 'zh-CN', sent: 0 }) });
    const noted = { sent: 0, positions: 0, windowFrom: from, lastPositionAt: 0, lastPosition: 0, callbackOffered: false, language: 'zh-CN' };
    expect(planPosition(noted, notice(1, false, 'zh-CN'), from, from + KF_SEND_WINDOW_MS, pacing)).toEqual({ kind: 'skip', reason: 'window_closed' });
  });
});

/**
 * Answers of one queue over a sliding window, for the service-level gauge: the share answered
 * within the queue's threshold lately, not since the process started (which would hide a morning
 * going wrong behind a good night).
 */
export class AnswerWindow {
  private readonly answers: { atMs: number; within: boolean }[] = [];
  private within = 0;

  constructor(private readonly windowMs: number, private readonly maxAnswers = 5_000) {}

  add(atMs: number, within: boolean): void {
    this.answers.push({ atMs, within });
    if (within) this.within += 1;
    if (this.answers.length > this.maxAnswers) this.dropFirst();
  }

  /** Share within the threshold among answers since `nowMs - windowMs`; undefined when there are none. */
  share(nowMs: number): number | undefined {
    while (this.answers.length > 0 && this.answers[0]!.atMs < nowMs - this.windowMs) this.dropFirst();
    return this.answers.length === 0 ? undefined : this.within / this.answers.length;
  }

  private dropFirst(): void {
    if (this.answers.shift()?.within) this.within -= 1;
  }
}

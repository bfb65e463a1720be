import { Presets, SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr for long work; silent when stderr is not a terminal or output is JSON,
 * so pipes and `--json` stay clean.
 */
export function progressBar(label: string, total: number, quiet: boolean): { update(done: number): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration}s`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

/** Runs `work` while a bar creeps toward (never reaching) the end: for one long request of unknown length. */
export async function withWaitingBar<T>(label: string, quiet: boolean, work: () => Promise<T>): Promise<T> {
  const bar = progressBar(label, 100, quiet);
  let done = 0;
  const timer = setInterval(() => bar.update((done += (95 - done) * 0.08)), 200);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    bar.update(100);
    bar.stop();
  }
}

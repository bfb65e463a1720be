import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** bench/results at the repository root, independent of the working directory. */
const resultsDir = fileURLToPath(new URL('../../../../bench/results/', import.meta.url));

/** Paths of one run's files. */
export interface SavedRun {
  readonly json: string;
  readonly chart: string;
}

/**
 * Writes one run's figures to bench/results/bench-<timestamp>.json and its chart (SVG) beside it,
 * so a run's files share a name and sort by time.
 */
export async function saveRun(report: Record<string, unknown>, chartSvg: string, at: Date): Promise<SavedRun> {
  await mkdir(resultsDir, { recursive: true });
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const json = join(resultsDir, `bench-${stamp}.json`);
  const chart = join(resultsDir, `bench-${stamp}.svg`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(chart, chartSvg);
  return { json, chart };
}

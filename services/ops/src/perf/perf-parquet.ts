import type { AgentPerformance } from '@switchboard/contracts';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { AGENT_PERFORMANCE_COLUMNS } from './perf-columns.js';

/**
 * Agent-performance rows as a Parquet file (hyparquet-writer: pure JavaScript, snappy): the CSV's
 * columns, typed — times as TIMESTAMP, counts as INT32, ratios and durations as DOUBLE, with null
 * where a ratio has no data (NaN), so BI tools read "no data" and not 0.
 */
export function agentPerformanceParquet(rows: readonly AgentPerformance[]): Buffer {
  const columnData = AGENT_PERFORMANCE_COLUMNS.map(([name, type, read]) => ({
    name, type, nullable: true,
    data: rows.map((row) => {
      const value = read(row);
      return typeof value === 'number' && !Number.isFinite(value) ? null : (value ?? null);
    }),
  }));
  return Buffer.from(parquetWriteBuffer({ columnData, createdBy: 'switchboard ops' }));
}

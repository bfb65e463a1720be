import { Counter, Histogram, type Registry } from 'prom-client';

/** What the router's commit path counts: its Redis calls and the size of each batch it commits. */
export interface CommitMetrics {
  /** One command sent to Redis (a pipelined one counts too). */
  redisCommand(): void;
  /** One batch committed (one Redis script, one ROUTING message), holding `commands` applied commands. */
  batchCommitted(domain: string, commands: number): void;
}

/**
 * `sb_router_redis_commands_total` and `sb_router_commit_batch_commands`: together with the
 * routing counters they tell the Redis calls and ROUTING messages a contact costs, and how far
 * batching absorbs a peak (batches grow with the load).
 */
export function commitMetrics(registry: Registry): CommitMetrics {
  const registers = [registry];
  const commands = new Counter({ name: 'sb_router_redis_commands_total', help: 'Commands the router sent to Redis (pipelined ones included)', registers });
  const batches = new Histogram({
    name: 'sb_router_commit_batch_commands', help: 'Applied commands per committed batch (one Redis script and one ROUTING message each)',
    labelNames: ['domain'] as const, registers, buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  });
  return {
    redisCommand: () => commands.inc(),
    batchCommitted: (domain, size) => batches.observe({ domain }, size),
  };
}

import { z } from 'zod';
import { invalidArgument } from '../errors.js';

/** A list query parameter: `?queue=a&queue=b` or `?queue=a,b`. */
const list = z.preprocess((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean)), z.array(z.string().max(200)));

/** A time: ISO 8601, epoch milliseconds, or a duration back from now (`15m`, `2h`, `1d`). */
const time = z.string().optional().transform((text, ctx) => {
  if (text === undefined || text === '') return undefined;
  const ago = /^(\d+)(s|m|h|d)$/.exec(text);
  if (ago) return Date.now() - Number(ago[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO 8601, epoch ms, or a duration like 15m' });
    return z.NEVER;
  }
  return ms;
});

export const kpiQuery = z.object({
  queue: list,
  from: time,
  to: time,
  interval: z.coerce.number().int().min(0).default(0),
});

export const eventsQuery = z.object({ queue: list, agent: list, contact: list, since: time });

export const recentQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/**
 * Parses query parameters.
 * @throws OpsError INVALID_ARGUMENT naming the first bad parameter.
 */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalidArgument(issue.path.join('.') || 'query', issue.message);
}

import { z } from 'zod';
import { invalidArgument } from '../errors.js';

/** A list query parameter: `?queue=a&queue=b` or `?queue=a,b`; at most 100 ids of 200 characters. */
const list = z.preprocess((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean)),
  z.array(z.string().max(200, 'each id at most 200 characters')).max(100, 'at most 100 ids'));

/** The last millisecond of the year 9999: later times have no ISO 8601 form (`toISOString` throws) and no use here. */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}/;

/** A time: ISO 8601, epoch milliseconds, or a duration back from now (`15m`, `2h`, `1d`). */
const time = z.string({ error: 'expected one value' }).max(64, 'at most 64 characters').optional().transform((text, ctx) => {
  if (text === undefined || text === '') return undefined;
  const ago = /^(\d+)(s|m|h|d)$/.exec(text);
  const ms = ago
    ? Date.now() - Number(ago[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd']
    : /^\d+$/.test(text) ? Number(text)
      // Only ISO 8601 dates: V8's Date.parse also reads "-5" or "May 1" as some date.
      : ISO_DATE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO 8601, epoch ms, or a duration like 15m' });
    return z.NEVER;
  }
  if (!(ms >= 0 && ms <= MAX_TIME_MS)) {
    ctx.addIssue({ code: 'custom', message: 'must be between 1970-01-01 and 9999-12-31' });
    return z.NEVER;
  }
  return ms;
});

export const kpiQuery = z.object({
  queue: list,
  from: time,
  to: time,
  // At most a year: a wider bucket is one bucket (interval 0) anyway.
  interval: z.coerce.number({ error: 'expected whole seconds' }).int('expected whole seconds').min(0, 'must be ≥ 0').max(366 * 86_400, 'at most a year (366 days)').default(0),
});

export const staffingQuery = z.object({
  queue: list,
  intervals: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be ≥ 1').max(96, 'at most 96 (a day)').default(8),
});

/** `15m`, `1h`, `1d`, `range` (one row over the range) or whole seconds among 900, 3600, 86400, 0. */
const agentInterval = z.string({ error: 'expected one value' }).max(16, 'at most 16 characters').default('1h').transform((text, ctx) => {
  const named: Record<string, number> = { '15m': 900, '1h': 3_600, '1d': 86_400, range: 0 };
  const seconds = named[text] ?? (/^\d+$/.test(text) ? Number(text) : Number.NaN);
  if (![0, 900, 3_600, 86_400].includes(seconds)) {
    ctx.addIssue({ code: 'custom', message: 'expected 15m, 1h, 1d or range' });
    return z.NEVER;
  }
  return seconds;
});

export const agentPerformanceQuery = z.object({ agent: list, from: time, to: time, interval: agentInterval });

export const eventsQuery = z.object({ queue: list, agent: list, contact: list, since: time });

export const recentQuery = z.object({ limit: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be ≥ 1').max(500, 'at most 500').default(50) });

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

/** `/api/qa/reviews?queue=&scored=true&limit=`. */
export const qaReviewsQuery = z.object({
  queue: z.string().max(200).optional(),
  scored: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(1_000, 'at most 1000').default(100),
});

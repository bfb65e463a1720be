// `switchboard qa list|score`: the QA review list (ops, read-only) and a reviewer's score
// (QueueService.ScoreQaReview, with the reviewer's supervisor token; QaReviewScored on ROUTING).
import type { Command } from 'commander';
import type { QaCriterionScore, ScoreQaReviewRequest, ScoreQaReviewResponse } from '@switchboard/contracts';
import { enumLabel, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { action, callQueueService, DEFAULT_QUEUE_SERVICE, UsageError, type SuperviseOptions } from './supervise.js';

interface ReviewJson {
  contactId?: string; agentId?: string; queueId?: string; channel?: string; reasons?: string[]; disposition?: string; intent?: string;
  markedAt?: string; score?: number; reviewer?: string; formId?: string; scoredAt?: string;
}

/** `greeting=4/5` → a criterion's points out of its maximum. */
export function parseCriterion(text: string): QaCriterionScore {
  const match = /^([^=]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--criterion "${text}": expected name=points/max, e.g. greeting=4/5`);
  return { criterion: match[1]!.trim(), points: Number(match[2]), maxPoints: Number(match[3]) };
}

/** The ScoreQaReview request of `qa score <contactId> --form … --criterion …`. */
export function scoreRequest(contactId: string, form: string | undefined, criteria: readonly string[], comment: string | undefined): ScoreQaReviewRequest {
  if (!form?.trim()) throw new UsageError('--form <id> is required: the review form the criteria come from');
  if (criteria.length === 0) throw new UsageError('give at least one --criterion name=points/max');
  return { domain: '', contactId, formId: form.trim(), criteria: criteria.map(parseCriterion), comment: comment ?? '' };
}

/** The review list as a table. */
export function reviewTable(items: readonly ReviewJson[], scored: boolean): string {
  if (items.length === 0) return scored ? 'no scored reviews' : 'nothing to review';
  const rows = items.map((i) => [i.contactId ?? '', i.agentId ?? '', i.queueId ?? '', enumLabel(i.channel, 'CHANNEL_'), (i.reasons ?? []).join(',').toLowerCase(),
    i.disposition ?? '', i.markedAt ?? '', ...(scored ? [String(i.score ?? 0), i.reviewer ?? '', i.formId ?? ''] : [])]);
  return table(['contact', 'agent', 'queue', 'channel', 'why', 'disposition', 'marked', ...(scored ? ['score', 'reviewer', 'form'] : [])], rows);
}

type QaOptions = SuperviseOptions & OpsOptions & { queue?: string; scored?: boolean; limit?: string; form?: string; criterion?: string[]; comment?: string };

export function register(program: Command): void {
  const qa = program.command('qa').description('quality sampling: contacts marked for QA review, and a reviewer\'s score');
  qa.command('list')
    .description('contacts marked for review, oldest first (ops /api/qa/reviews)')
    .option('--queue <id>', 'one queue only')
    .option('--scored', 'the scored reviews instead of those still to score')
    .option('--limit <n>', 'at most n (default 100)')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the list as JSON')
    .action(async (o: QaOptions) => {
      const query = new URLSearchParams({ ...(o.queue ? { queue: o.queue } : {}), ...(o.scored ? { scored: 'true' } : {}), ...(o.limit ? { limit: o.limit } : {}) });
      const body = await getOps<{ items?: ReviewJson[] }>(o, `/api/qa/reviews?${query.toString()}`);
      if (o.json) printJson(body);
      else process.stdout.write(`${reviewTable(body.items ?? [], o.scored === true)}\n`);
    });
  qa.command('score').argument('<contactId>')
    .description('score a marked contact (QueueService.ScoreQaReview; QaReviewScored on ROUTING with you as reviewer)')
    .option('--form <id>', 'the review form')
    .option('--criterion <name=points/max>', 'points of one criterion, e.g. greeting=4/5 (repeat for each)', (v: string, all: string[] = []) => [...all, v])
    .option('--comment <text>', 'the reviewer\'s comment (at most 2,000 characters)')
    .option('--queue-service <host:port>', `queue service (default ${DEFAULT_QUEUE_SERVICE}, or SWITCHBOARD_QUEUE_SERVICE)`)
    .option('--as <subject>', 'the reviewer the record names (default $USER); signs a supervisor token with SWITCHBOARD_JWT_SECRET or the dev secret')
    .option('--token <jwt>', 'a supervisor bearer token to use instead of signing one')
    .option('--domain <id>', 'the domain of the signed token (default $SWITCHBOARD_DOMAIN, else default)')
    .option('--secrets-file <path>', 'development secrets written by pnpm start')
    .action(action(async (o: QaOptions, contactId: string) => {
      const r = await callQueueService<ScoreQaReviewRequest, ScoreQaReviewResponse>(o, (c) => c.scoreQaReview, scoreRequest(contactId, o.form, o.criterion ?? [], o.comment));
      return `${contactId}: scored ${r.score}/100 for agent ${r.agentId}`;
    }));
}

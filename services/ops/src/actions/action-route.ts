import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { OpsReader } from '../auth/principal.js';
import { invalidArgument, unavailable } from '../errors.js';
import { sendError } from '../http/errors.js';
import { requireActing, type ActingAs } from './acting.js';
import type { EdgeClients } from './edge-clients.js';

/** What every console action needs. */
export interface ActionDeps {
  readonly acting: ActingAs;
  /** Absent when this ops was started with no edges to act through (then every action is 503). */
  readonly edges?: EdgeClients;
  readonly domain: string;
  readonly logger: Logger;
}

/** What an action's handler gets: the person, the path's parameters, the checked body, the edges. */
export interface ActionContext<Body> {
  readonly reader: OpsReader;
  readonly params: Record<string, string>;
  readonly body: Body;
  readonly edges: EdgeClients;
  readonly acting: ActingAs;
  readonly domain: string;
}

/** An id in a path: 1..200 characters. @throws OpsError INVALID_ARGUMENT naming it. */
export function pathId(params: Record<string, string>, name: string): string {
  const value = params[name] ?? '';
  if (value === '' || value.length > 200) throw invalidArgument(name, 'required, at most 200 characters');
  return value;
}

/**
 * One POST `/api/...` action of a supervisor. The auth hook has run already (session cookie with
 * its CSRF token, or Bearer); a read-only role is refused (403); the body is checked with
 * `schema` (400 naming the field); `run` calls an edge through {@link ActingAs}. The answer is
 * `run`'s result plus `by`, the person the record names; a refusal carries the edge's reason.
 */
export function actionRoute<S extends z.ZodType>(app: FastifyInstance, deps: ActionDeps, path: string, schema: S,
  run: (context: ActionContext<z.output<S>>) => Promise<Record<string, unknown>>): void {
  const log = deps.logger.child({ component: 'actions' });
  app.post<{ Params: Record<string, string> }>(path, async (request, reply) => {
    try {
      const reader = request.reader;
      if (!reader) throw new Error(`${path} ran without the auth hook`);
      requireActing(reader);
      if (!deps.edges) throw unavailable('this ops has no agent gateway or queue service to act through');
      const parsed = schema.safeParse(request.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw invalidArgument(issue.path.join('.') || 'body', issue.message);
      }
      const result = await run({ reader, params: request.params, body: parsed.data, edges: deps.edges, acting: deps.acting, domain: deps.domain });
      log.info({ action: path, by: reader.subject, via: reader.via, params: request.params }, 'console action');
      return await reply.send({ ...result, by: reader.subject });
    } catch (error) {
      return sendError(reply, error, log);
    }
  });
}

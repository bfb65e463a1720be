import type { FastifyInstance } from 'fastify';

/** The credentials every surface is tried with, beside a good one. */
export const CREDENTIALS = ['none', 'wrong', 'expired', 'otherTenant', 'lowerRole'] as const;

/** One of {@link CREDENTIALS}. */
export type Credential = (typeof CREDENTIALS)[number];

/**
 * What a surface answered: an HTTP status, a gRPC status name, a NATS or Redis error code, or an
 * HTTP redirect to the login page; `reason` is the text a person would read.
 */
export interface Refusal {
  readonly status: number | string;
  readonly reason: string;
}

/** One row of the table: a surface and how to call it with each kind of bad credential. */
export interface SurfaceRow {
  /** e.g. `ingest-phone POST /v1/phone/twilio/voice`, `AgentService/Accept`, `NATS publish sb.routing.<d>.x`. */
  readonly surface: string;
  /** Each credential that applies, tried; the answer must be a refusal from `refusedWith`. */
  readonly attempts: Partial<Record<Credential, () => Promise<Refusal>>>;
  /** Each credential that cannot apply to this surface, with why (e.g. a webhook secret has no role). */
  readonly notApplicable?: Partial<Record<Credential, string>>;
  /** The statuses that count as a refusal here (default: 401, 403, UNAUTHENTICATED, PERMISSION_DENIED). */
  readonly refusedWith?: readonly (number | string)[];
  /** A good credential is accepted (the row proves the surface is reachable, not merely broken). */
  readonly accepted?: () => Promise<Refusal>;
}

/** Routes that answer everyone on purpose, with why; every other route needs a row. */
export type PublicRoutes = Readonly<Record<string, string>>;

/**
 * Every `METHOD /path` a fastify server serves (HEAD twins left out), read from its route tree:
 * the table is checked against what the server really registered, so a route added without a
 * row fails the suite.
 */
export function routesOf(app: FastifyInstance): string[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n').filter((line) => line.trim() !== '');
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of lines) {
    const match = /^([│ ]*)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line) ?? /^([│ ]*)[├└]── (.+)$/.exec(line);
    if (!match) throw new Error(`unexpected route tree line: ${line}`);
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const segment = match[2]!;
    const path = `${stack.join('')}${segment}`;
    stack.push(segment);
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

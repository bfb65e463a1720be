import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { signToken } from '@switchboard/grpc-edge';
import { OpsError, OPS_ERROR_CODES, permissionDenied, unavailable } from '../errors.js';
import type { OpsReader } from '../auth/principal.js';

/** The roles that may act from the console; `ops` reads only. */
export const ACTING_ROLES = ['supervisor'] as const;

/**
 * How long a token ops signs for one person's call lives: long enough for one call to reach the
 * edge over a slow link, short enough that a copy taken from a log or a proxy is soon worthless.
 */
export const ACTING_TOKEN_TTL_SECONDS = 60;

/** A unary method of a generated grpc-js client. */
export type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: Date }, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/**
 * @throws OpsError PERMISSION_DENIED unless the caller may act: role supervisor (`ops` reads
 * only), with the teams they supervise (the edges act only within them).
 */
export function requireActing(reader: OpsReader): void {
  if (!(ACTING_ROLES as readonly string[]).includes(reader.role)) {
    throw permissionDenied(`supervisor controls need role ${ACTING_ROLES.join(' or ')}; you are logged in as "${reader.role}" (read-only)`);
  }
  if (reader.teams.length === 0) {
    throw permissionDenied('your login names no teams you supervise (the "teams" claim); the agent gateway acts only within a supervisor\'s teams');
  }
}

/**
 * Calls the edges for the person logged in: ops signs a short-lived token whose subject, role,
 * domain and teams are that person's (as their login gave them), so the edge verifies it as any
 * supervisor's token, applies its own role and team checks, and every event the call causes
 * names that person as `by`. Ops already holds the HS256 secret (it verifies Bearer tokens with
 * it), so this gives ops no power it does not have, and the edges need no way to trust an
 * asserted subject.
 */
export class ActingAs {
  constructor(private readonly secret: string | undefined, private readonly timeoutMs = 10_000) {}

  /**
   * @throws OpsError PERMISSION_DENIED for a read-only role or a login without teams; UNAVAILABLE
   * when ops holds no secret to sign with; the edge's refusal mapped by {@link edgeRefusal}.
   */
  async call<Req, Res>(reader: OpsReader, client: object, method: UnaryMethod<Req, Res>, request: Req, edge: string): Promise<Res> {
    const token = await this.tokenFor(reader);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    try {
      return await new Promise<Res>((resolve, reject) => {
        method.call(client, request, metadata, { deadline: new Date(Date.now() + this.timeoutMs) }, (error, response) => (error ? reject(error) : resolve(response)));
      });
    } catch (error) {
      throw edgeRefusal(error as ServiceError, edge);
    }
  }

  private async tokenFor(reader: OpsReader): Promise<string> {
    requireActing(reader);
    if (!this.secret) throw unavailable('this ops holds no SWITCHBOARD_JWT_SECRET to act for you on the agent gateway and queue service; supervisor controls are off');
    return signToken(this.secret, { subject: reader.subject, role: 'supervisor', domain: reader.domain, teams: reader.teams, ttl: `${ACTING_TOKEN_TTL_SECONDS}s` }); // a string: a number would be an absolute exp
  }
}

/** The edge's status as the HTTP answer ops gives, keeping the edge's reason for the person to read. */
export function edgeRefusal(error: ServiceError, edge: string): OpsError {
  const reason = error.details || error.message;
  switch (error.code) {
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return new OpsError(OPS_ERROR_CODES.invalidArgument, reason, error.metadata?.get('field')[0]?.toString());
    case status.NOT_FOUND:
      return new OpsError(OPS_ERROR_CODES.notFound, reason);
    case status.PERMISSION_DENIED:
      return permissionDenied(reason);
    case status.FAILED_PRECONDITION:
    case status.ABORTED:
    case status.ALREADY_EXISTS:
      return new OpsError(OPS_ERROR_CODES.failedPrecondition, reason);
    case status.UNAUTHENTICATED:
      // Not the person's fault: ops and the edge disagree on the signing secret, issuer or audience.
      return new OpsError(OPS_ERROR_CODES.badGateway, `the ${edge} refused the token ops signed for you: ${reason} (do ops and the ${edge} share SWITCHBOARD_JWT_SECRET?)`);
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return unavailable(`the ${edge} did not answer: ${reason}; try again`, error);
    default:
      return new OpsError(OPS_ERROR_CODES.badGateway, `the ${edge} failed: ${reason}`);
  }
}
